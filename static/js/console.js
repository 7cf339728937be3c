// Facilitator console: the one place that listens to htmx's events for the console's parts
// (static/js/console/*.js, loaded before this file), so the order in which they see an event
// is written here and nowhere else.
(function () {
  "use strict";

  const parts = window.AkadConsole;
  const cellPicker = parts.cellPicker;
  const newTip = parts.newTip;
  const typedText = parts.typedText;
  const focus = parts.focus;
  const steps = parts.steps;
  const draftFields = parts.draftFields;
  const follow = parts.follow;

  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    follow.beforeRequest(event);
    if (event.defaultPrevented) return;
    if (newTip.isForm(elt)) {
      // A new try: the last tip's "added" goes first, whatever comes of this one. A code that
      // names no cell then stops the tip before anything else sees it go (a kept tip sent
      // again was checked when it was first sent). Only a tip that goes is kept.
      newTip.forgetAdded(elt);
      if (!newTip.isResend() && !cellPicker.allowsSend(elt)) { event.preventDefault(); return; }
      newTip.sending(elt);
    }
    steps.beforeRequest(event);
    draftFields.beforeRequest(event);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    draftFields.afterRequest(event);
    newTip.afterRequest(event);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // First: a refused answer (422) is still shown, it carries the message. What is put back
    // after the swap depends on whether it is swapped at all.
    if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
    // Then a follow poll that would redraw what the facilitator is working in: not swapped.
    if (follow.holdBack(event)) return;
    newTip.beforeSwap(event);
    typedText.beforeSwap(event);
    focus.beforeSwap(event);
    follow.beforeSwap(event);
  });

  document.addEventListener("htmx:afterSwap", function () {
    // Before anything looks at what was drawn: a tip the poll and its own answer both drew.
    follow.afterSwap();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // Typed text back first, then the focus onto it, then what is kept on the device over what
    // the server sent (and sent again).
    typedText.afterSettle(event);
    focus.afterSettle(event);
    follow.afterSettle(event);
    draftFields.restore(event.detail.elt);
    newTip.drawn(event.detail.elt);
  });

  document.addEventListener("DOMContentLoaded", function () {
    draftFields.restore(document);
    newTip.drawn(document);
  });
})();
