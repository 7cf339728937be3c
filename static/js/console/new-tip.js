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

  return { isForm: isForm, sending: sending };
})();
