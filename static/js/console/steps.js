// Console: small helpers of single steps. The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.steps = (function () {
  "use strict";

  // Domains step: typing a goal or picking a level ticks the domain. ("input" comes before the
  // "change" that saves the row, so the row is sent as marked.)
  document.addEventListener("input", function (event) {
    const row = event.target.closest && event.target.closest("form.domain-row");
    if (!row || event.target.type === "checkbox" || !event.target.value) return;
    const box = row.querySelector('input[type="checkbox"]');
    if (box && !box.checked) box.checked = true;
  });

  // Tips step: Escape leaves a tip's edit form without saving.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest(".tip-edit-form");
    const cancel = form && form.querySelector("button[data-hx-get]");
    if (cancel) cancel.click();
  });

  // Closing step: going to another step first saves the actions typed but not yet saved.
  function beforeRequest(event) {
    const form = event.detail.elt;
    if (!form.classList || !form.classList.contains("step-nav")) return;
    document.querySelectorAll("form.choose-form").forEach(function (choose) {
      const fields = choose.querySelectorAll('input[type="text"]');
      const dirty = Array.prototype.some.call(fields, function (f) { return f.value !== f.defaultValue; });
      if (dirty) window.htmx.trigger(choose, "submit");
    });
  }

  return { beforeRequest: beforeRequest };
})();
