// Console, tips step: the new-tip form (#tip-form). After a tip is stored the text is emptied
// for the next tip; the cell and giver stay. The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.newTip = (function () {
  "use strict";

  function isForm(elt) { return Boolean(elt && elt.id === "tip-form"); }

  // Only empty the text if it still holds the tip that was sent: the next one may be typed
  // while it travels.
  function sending(form) {
    form.dataset.sentText = form.querySelector('input[name="text"]').value;
  }

  document.body.addEventListener("tipAdded", function () {
    const form = document.getElementById("tip-form");
    const text = form && form.querySelector('input[name="text"]');
    if (!text) return;
    if (text.value === form.dataset.sentText) text.value = "";
    text.focus();
  });

  return { isForm: isForm, sending: sending };
})();
