// Console: typed text survives a redraw. Deleting or moving a tip, the spotlight, or the
// follow-up of one tip redraws the whole panel: text typed elsewhere in it (the next tip,
// another tip's follow-up) is put back, and so is the cell picked in the lists (and its code).
// Ticking a tip in the closing step redraws its row when the server has saved the tick, while
// the "who" is often being typed already: what was typed meanwhile is put back, where the
// cursor was. Fields with a draft (the presentation) have their own way back
// (draft-fields.js). The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.typedText = (function () {
  "use strict";

  function shownFirst(select) {
    const chosen = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
    return (chosen || select.options[0] || {}).value;
  }

  // The redraws that put typed text back: the whole panel, one row of the closing step, and
  // the new-tip form drawn again with a message (the server does not know its cell code).
  function keepsTyped(target) {
    return Boolean(target && (target.id === "panel" || target.id === "tip-form"
      || target.classList.contains("choose-row")));
  }

  let typed = null;
  let caret = null;  // where the cursor was in the field being typed in

  // Needs event.detail.shouldSwap as decided for this answer.
  function beforeSwap(event) {
    const target = event.detail.target;
    typed = caret = null;  // a refused answer (not swapped) must leave nothing to put back later
    if (!event.detail.shouldSwap || !keepsTyped(target)) return;
    typed = {};
    target.querySelectorAll('input[type="text"][id], textarea[id]').forEach(function (field) {
      if (field.value === field.defaultValue || field.dataset.draftKey) return;
      typed[field.id] = field.value;
      if (field === document.activeElement) {
        caret = { id: field.id, start: field.selectionStart, end: field.selectionEnd };
      }
    });
    target.querySelectorAll("select[id]").forEach(function (select) {
      if (select.value !== shownFirst(select)) typed[select.id] = select.value;
    });
  }

  // Only into a field that still shows what the server drew.
  function afterSettle() {
    if (!typed) return;
    Object.keys(typed).forEach(function (id) {
      const field = document.getElementById(id);
      if (!field) return;
      if (field.tagName === "SELECT") {
        if (field.querySelector('option[value="' + CSS.escape(typed[id]) + '"]')) field.value = typed[id];
      } else if (field.value === field.defaultValue) {
        field.value = typed[id];
        if (caret && caret.id === id) field.setSelectionRange(caret.start, caret.end);
      }
    });
    typed = caret = null;
  }

  return { beforeSwap: beforeSwap, afterSettle: afterSettle };
})();
