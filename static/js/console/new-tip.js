// Console, tips step: the new-tip form (#tip-form). After a tip is stored, its text, giver and
// organisation are emptied for the next tip (a tip is credited to whoever gave it, on the
// beamer and in the report); the cell stays, the next tip often goes to the same one. The
// htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.newTip = (function () {
  "use strict";

  const EMPTIED = ["text", "given_by", "organisation"];  // what the next tip asks anew

  function isForm(elt) { return Boolean(elt && elt.id === "tip-form"); }

  function field(form, name) { return form.querySelector('[name="' + name + '"]'); }

  // What was sent, to empty only fields that still hold it: the next tip may be typed (and
  // its giver chosen) while this one travels.
  let sent = null;

  function sending(form) {
    sent = {};
    EMPTIED.forEach(function (name) { const f = field(form, name); if (f) sent[name] = f.value; });
  }

  // "✓ Tip added." is about the tip before: it goes as soon as the next one is begun, sent,
  // or refused (by the browser's own check, a wrong cell code or a failed request), so that it
  // never stands beside a message about this one.
  function forgetAdded(form) {
    form.querySelectorAll("#tip-form-meta .save-status").forEach(function (status) { status.remove(); });
  }

  document.addEventListener("input", function (event) {
    if (event.target.form && isForm(event.target.form)) forgetAdded(event.target.form);
  });

  // "invalid" does not bubble: listened for on the way down.
  document.addEventListener("invalid", function (event) {
    if (event.target.form && isForm(event.target.form)) forgetAdded(event.target.form);
  }, true);

  // Enter in a list of the form sends the tip, as it does in its text fields: keyboard first,
  // also when the organisation is the last thing picked.
  document.addEventListener("keydown", function (event) {
    const select = event.target;
    if (event.key !== "Enter" || select.tagName !== "SELECT" || !select.form || !isForm(select.form)) return;
    event.preventDefault();
    select.form.requestSubmit();
  });

  document.body.addEventListener("tipAdded", function () {
    const form = document.getElementById("tip-form");
    const text = form && field(form, "text");
    if (!text) return;
    EMPTIED.forEach(function (name) {
      const f = field(form, name);
      if (f && sent && f.value === sent[name]) f.value = "";  // the organisation: "— none —"
    });
    sent = null;
    text.focus();
  });

  function afterRequest(event) {
    const form = event.detail.elt;
    if (isForm(form) && !event.detail.successful) forgetAdded(form);
  }

  return { isForm: isForm, forgetAdded: forgetAdded, sending: sending, afterRequest: afterRequest };
})();
