// Facilitator console: keyboard cell picker, click-to-pick cells, and drafts that survive
// a failed request or a reload (the presentation text is never lost).
(function () {
  "use strict";

  // A failed response for a 422 is still shown (it carries the message).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

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

  // A code that names no cell says so, and the tip is not sent to whatever the lists show.
  // While it is being typed ("2" before "2b") it is only checked once it ends in a letter.
  function checkCode(input, final) {
    const wrong = Boolean(input.value) && !pickCell(input.form, input.value);
    const say = wrong && (final || /[a-z]\s*$/i.test(input.value));
    const error = document.getElementById("cell-code-error");
    input.setAttribute("aria-invalid", say ? "true" : "false");
    input.setAttribute("aria-describedby", say ? "cell-code-error cell-code-help" : "cell-code-help");
    if (error) error.hidden = !say;
    return !wrong;
  }

  document.addEventListener("input", function (event) {
    const input = event.target;
    if (input.classList && input.classList.contains("cell-code-input")) checkCode(input, false);
  });

  // Picking from the lists themselves: the lists are what counts, the code is emptied.
  document.addEventListener("change", function (event) {
    const select = event.target;
    if (!select.form || select.form.id !== "tip-form" || select.tagName !== "SELECT") return;
    const code = select.form.querySelector(".cell-code-input");
    if (code && code.value) { code.value = ""; checkCode(code, true); }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (form.id !== "tip-form") return;
    const code = form.querySelector(".cell-code-input");
    if (code && !checkCode(code, true)) { event.preventDefault(); code.focus(); }
  });

  // Clicking an empty spot of a placemat cell picks that cell in the tip form.
  document.addEventListener("click", function (event) {
    const cell = event.target.closest && event.target.closest("td[data-cell]");
    if (!cell || event.target.closest("button, a, input, select, textarea, label, form")) return;
    const form = document.getElementById("tip-form");
    if (!form) return;
    pickCell(form, cell.dataset.cell);
    const code = form.querySelector(".cell-code-input");
    if (code) { code.value = cell.dataset.cell; checkCode(code, true); }
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
  // The cell picked in the lists (and its code) comes back with it.
  function shownFirst(select) {
    const chosen = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
    return (chosen || select.options[0] || {}).value;
  }

  let typed = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
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
  });

  document.addEventListener("htmx:afterSettle", function () {
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
  });

  // --- Focus stays where the work is ----------------------------------------------------------
  // A swap that removes the focused element would drop focus to the top of the page. Focus
  // goes instead to the same field or button in the new content, else to the nearest part of
  // it that is still there (the tip, the row), else to the step's heading; a step change goes
  // to the new step's heading, which screen readers then read out.
  let focusWas = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const active = document.activeElement;
    const target = event.detail.target;
    focusWas = null;
    if (!event.detail.shouldSwap || !active || active === document.body || !target || !target.contains(active)) return;
    const form = active.form || active.closest("form");
    const anchor = active.parentElement && active.parentElement.closest("[id]");
    focusWas = {
      id: active.id,
      name: active.getAttribute("name"),
      value: active.getAttribute("value"),
      action: form ? form.getAttribute("action") : null,
      anchor: anchor ? anchor.id : null,
      stepChange: Boolean(form && form.classList.contains("step-nav")),
    };
  });

  function focusable(root) {
    return root && root.querySelector('input:not([type="hidden"]), select, textarea, button, a[href]');
  }

  function stepHeading() {
    const heading = document.querySelector("#panel .step-body h2") || document.querySelector("#panel h1");
    if (heading && !heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    return heading;
  }

  // The same control in the new content: by id, else by name (and value) in the same form
  // (many rows share a form action: the one inside or around the same anchor).
  function sameControl(was, anchor) {
    if (was.id && document.getElementById(was.id)) return document.getElementById(was.id);
    if (!was.action) return null;
    const form = Array.prototype.find.call(
      document.querySelectorAll('form[action="' + CSS.escape(was.action) + '"]'),
      function (f) { return !anchor || f === anchor || anchor.contains(f) || f.contains(anchor); }
    );
    if (!form) return null;
    if (was.name) {
      const named = Array.prototype.find.call(form.elements, function (el) {
        return el.getAttribute("name") === was.name && (was.value === null || el.getAttribute("value") === was.value);
      });
      if (named) return named;
    }
    return form.querySelector('button[type="submit"], button:not([type])');
  }

  // A step change keeps what the new step focuses itself (the tips step: the new-tip text),
  // else goes to its heading. Any other redraw (a spotlight, Escape, a refused delete) goes
  // back to where the work was, also over the new-tip field's autofocus.
  document.addEventListener("htmx:afterSettle", function () {
    const was = focusWas;
    focusWas = null;
    if (!was) return;
    const active = document.activeElement;
    const lost = !active || active === document.body;
    const anchor = was.anchor && document.getElementById(was.anchor);
    const near = anchor && anchor.id !== "panel" ? anchor : null;
    const next = was.stepChange ? null : sameControl(was, anchor) || focusable(near);
    if (next) next.focus();
    else if (lost) { const heading = stepHeading(); if (heading) heading.focus(); }
  });

  // Escape leaves a tip's edit form without saving.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest(".tip-edit-form");
    const cancel = form && form.querySelector("button[hx-get]");
    if (cancel) cancel.click();
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


  document.addEventListener("DOMContentLoaded", function () { restore(document); });
  document.addEventListener("htmx:afterSettle", function (event) { restore(event.detail.elt); });
})();
