// Console: fields that save themselves as you type (the presentation) keep every keystroke on
// the device until the server confirms it saved that text; on load, a draft the server does
// not have is put back and saved. Storage is drafts.js's (window.AkadDrafts), under the name
// in the field's data-draft-key. The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.draftFields = (function () {
  "use strict";

  const drafts = window.AkadDrafts;

  function isDraftField(elt) { return Boolean(elt && elt.dataset && elt.dataset.draftKey); }

  document.addEventListener("input", function (event) {
    if (isDraftField(event.target)) drafts.keep(event.target.dataset.draftKey, event.target.value);
  });

  function restore(root) {
    (root || document).querySelectorAll("[data-draft-key]").forEach(function (field) {
      const draft = drafts.read(field.dataset.draftKey);
      if (draft === null) return;
      if (draft === field.value) { drafts.forget(field.dataset.draftKey); return; }
      field.value = draft;
      field.classList.add("restored");
      const status = field.parentElement.querySelector(".save-status");
      if (status) status.textContent = field.form.dataset.restoredLabel || "Unsaved text restored; saving…";
      if (window.htmx) window.htmx.trigger(field, "retry");
    });
  }

  // Each field saves itself alone (hx-params). What it sent is remembered: only a draft equal
  // to that is safe to forget when the save succeeds (text typed while the request travelled
  // is newer than what the server got).
  function beforeRequest(event) {
    const field = event.detail.elt;
    if (isDraftField(field)) field.dataset.sentValue = field.value;
  }

  function afterRequest(event) {
    const field = event.detail.elt;
    if (!isDraftField(field)) return;
    if (event.detail.successful) {
      // Saved: forget the draft if the server now has its text.
      if (drafts.read(field.dataset.draftKey) === field.dataset.sentValue) drafts.forget(field.dataset.draftKey);
      return;
    }
    const xhr = event.detail.xhr;
    const code = xhr ? xhr.status : 0;
    const expired = code === 401 || (xhr && xhr.getResponseHeader("X-Akad-Reason") === "expired");
    const status = field.parentElement.querySelector(".save-status");
    if (status) {
      status.classList.add("failed");
      status.textContent = (expired ? field.form.dataset.expiredLabel : field.form.dataset.failedLabel)
        || "Not saved yet; trying again…";
    }
    if (code === 0 || code >= 500) {
      setTimeout(function () { window.htmx.trigger(field, "retry"); }, 4000);
    }
  }

  return { restore: restore, beforeRequest: beforeRequest, afterRequest: afterRequest };
})();
