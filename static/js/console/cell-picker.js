// Console, tips step: the cell a new tip goes to, by code ("2b" = domain 2, column b: the
// numbers and letters the placemat and the beamer show) or by clicking an empty spot of the
// placemat. A code that names no cell says so, and the tip is not sent to whatever cell the
// lists happen to show. The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.cellPicker = (function () {
  "use strict";

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

  // While a code is being typed ("2" before "2b") it is only checked once it ends in a letter.
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

  // Picking the domain or column from its list: the lists are what counts, the code is
  // emptied. (Other lists of the form, the organisation, say nothing about the cell.)
  document.addEventListener("change", function (event) {
    const select = event.target;
    if (!select.form || select.form.id !== "tip-form" || !/^(domain|column)$/.test(select.name)) return;
    const code = select.form.querySelector(".cell-code-input");
    if (code && code.value) { code.value = ""; checkCode(code, true); }
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

  // Before the tip form is sent: false (and the code focused, with its message) if its code
  // names no cell.
  function allowsSend(form) {
    const code = form.querySelector(".cell-code-input");
    if (code && !checkCode(code, true)) { code.focus(); return false; }
    return true;
  }

  return { allowsSend: allowsSend };
})();
