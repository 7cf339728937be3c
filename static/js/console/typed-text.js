// Console: typed text survives a redraw of the step panel. Deleting or moving a tip, the
// spotlight, or the follow-up of one tip redraws the whole panel: text typed elsewhere in it
// (the next tip, another tip's follow-up) is put back, and so is the cell picked in the lists
// (and its code). Fields with a draft (the presentation) have their own way back
// (draft-fields.js). The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.typedText = (function () {
  "use strict";

  function shownFirst(select) {
    const chosen = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
    return (chosen || select.options[0] || {}).value;
  }

  let typed = null;

  // Needs event.detail.shouldSwap as decided for this answer.
  function beforeSwap(event) {
    const panel = event.detail.target;
    typed = null;  // a refused answer (not swapped) must leave nothing to put back later
    if (!event.detail.shouldSwap || !panel || panel.id !== "panel") return;
    typed = {};
    panel.querySelectorAll('input[type="text"][id], textarea[id]').forEach(function (field) {
      if (field.value !== field.defaultValue && !field.dataset.draftKey) typed[field.id] = field.value;
    });
    panel.querySelectorAll("select[id]").forEach(function (select) {
      if (select.value !== shownFirst(select)) typed[select.id] = select.value;
    });
  }

  function afterSettle() {
    if (!typed) return;
    Object.keys(typed).forEach(function (id) {
      const field = document.getElementById(id);
      if (!field) return;
      if (field.tagName === "SELECT") {
        if (field.querySelector('option[value="' + CSS.escape(typed[id]) + '"]')) field.value = typed[id];
      } else if (field.value === field.defaultValue) {
        field.value = typed[id];
      }
    });
    typed = null;
  }

  return { beforeSwap: beforeSwap, afterSettle: afterSettle };
})();
