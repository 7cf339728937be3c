// Facilitator console: keyboard cell picker, click-to-pick cells, and drafts that survive
// a failed request or a reload (the presentation text is never lost).
(function () {
  "use strict";

  // --- Cell picker: "2b" = domain 2, column b ---------------------------------------------
  function pickCell(form, code) {
    const match = /^\s*(\d+)\s*([a-z])\s*$/i.exec(code || "");
    if (!match) return false;
    const domain = form.querySelector('select[name="domain"] option[data-number="' + match[1] + '"]');
    const column = form.querySelector('select[name="column"] option[data-letter="' + match[2].toLowerCase() + '"]');
    if (!domain || !column) return false;
    domain.selected = true;
    column.selected = true;
    return true;
  }

  document.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.classList || !input.classList.contains("cell-code-input")) return;
    input.setAttribute("aria-invalid", input.value && !pickCell(input.form, input.value) ? "true" : "false");
  });

  // Clicking an empty spot of a placemat cell picks that cell in the tip form.
  document.addEventListener("click", function (event) {
    const cell = event.target.closest && event.target.closest("td[data-cell]");
    if (!cell || event.target.closest("button, a, input, select, textarea, label, form")) return;
    const form = document.getElementById("tip-form");
    if (!form) return;
    pickCell(form, cell.dataset.cell);
    const code = form.querySelector(".cell-code-input");
    if (code) code.value = cell.dataset.cell;
    form.querySelector('input[name="text"]').focus();
  });

  // After a tip is stored: empty the text for the next tip; the cell and giver stay. Only
  // if it still holds the tip that was sent: the next one may be typed while it travels.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (form.id !== "tip-form") return;
    form.dataset.sentText = form.querySelector('input[name="text"]').value;
  });

  document.body.addEventListener("tipAdded", function () {
    const form = document.getElementById("tip-form");
    const text = form && form.querySelector('input[name="text"]');
    if (!text) return;
    if (text.value === form.dataset.sentText) text.value = "";
    text.focus();
  });

  // --- Domains step: typing a goal or picking a level ticks the domain -----------------------
  // ("input" comes before the "change" that saves the row, so the row is sent as marked.)
  document.addEventListener("input", function (event) {
    const row = event.target.closest && event.target.closest("form.domain-row");
    if (!row || event.target.type === "checkbox" || !event.target.value) return;
    const box = row.querySelector('input[type="checkbox"]');
    if (box && !box.checked) box.checked = true;
  });

  // --- Typed text survives a redraw of the step panel ----------------------------------------
  // Deleting or moving a tip, the spotlight, or the follow-up of one tip redraws the whole
  // panel: text typed elsewhere in it (the next tip, another tip's follow-up) is put back.
  // Fields with a draft (the presentation) have their own way back, below.
  let typed = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const panel = event.detail.target;
    if (!panel || panel.id !== "panel") return;
    typed = {};
    panel.querySelectorAll('input[type="text"][id], textarea[id]').forEach(function (field) {
      if (field.value !== field.defaultValue && !field.dataset.draftKey) typed[field.id] = field.value;
    });
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!typed) return;
    Object.keys(typed).forEach(function (id) {
      const field = document.getElementById(id);
      if (field && field.value === field.defaultValue) field.value = typed[id];
    });
    typed = null;
  });

  // Going to another step saves the actions of the closing step typed but not yet saved.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (!form.classList || !form.classList.contains("step-nav")) return;
    document.querySelectorAll("form.choose-form").forEach(function (choose) {
      const fields = choose.querySelectorAll('input[type="text"]');
      const dirty = Array.prototype.some.call(fields, function (f) { return f.value !== f.defaultValue; });
      if (dirty) window.htmx.trigger(choose, "submit");
    });
  });

  // --- Drafts -------------------------------------------------------------------------------
  // Every keystroke in a [data-draft-key] field is kept in localStorage until the server
  // confirms it saved that text. On load, a draft the server does not have is put back.
  function draftFields(root) {
    return (root || document).querySelectorAll("[data-draft-key]");
  }

  function keep(field) {
    try { localStorage.setItem(field.dataset.draftKey, field.value); } catch (e) { /* private mode */ }
  }

  function restore(root) {
    draftFields(root).forEach(function (field) {
      let draft = null;
      try { draft = localStorage.getItem(field.dataset.draftKey); } catch (e) { return; }
      if (draft === null) return;
      if (draft === field.value) { localStorage.removeItem(field.dataset.draftKey); return; }
      field.value = draft;
      field.classList.add("restored");
      const status = field.parentElement.querySelector(".save-status");
      if (status) status.textContent = field.form.dataset.restoredLabel || "Unsaved text restored; saving…";
      if (window.htmx) window.htmx.trigger(field, "retry");
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.draftKey) keep(event.target);
  });

  // Each field saves itself alone (hx-params). What it sent is remembered: only a draft equal
  // to that is safe to forget when the save succeeds (text typed while the request travelled
  // is newer than what the server got).
  document.addEventListener("htmx:beforeRequest", function (event) {
    const field = event.detail.elt;
    if (!field.dataset || !field.dataset.draftKey) return;
    field.dataset.sentValue = field.value;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const field = event.detail.elt;
    if (!field.dataset || !field.dataset.draftKey) return;
    if (event.detail.successful) {
      // Saved: forget the draft if the server now has its text.
      try {
        if (localStorage.getItem(field.dataset.draftKey) === field.dataset.sentValue) localStorage.removeItem(field.dataset.draftKey);
      } catch (e) { /* ignore */ }
    } else {
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
  });

  // A failed response for a 422 is still shown (it carries the message).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  document.addEventListener("DOMContentLoaded", function () { restore(document); });
  document.addEventListener("htmx:afterSettle", function (event) { restore(event.detail.elt); });
})();
