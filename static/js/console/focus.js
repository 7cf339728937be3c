// Console: focus stays where the work is. A swap that removes the focused element would drop
// focus to the top of the page. Focus goes instead to the same field or button in the new
// content, else to the nearest part of it that is still there (the tip, the row), else to the
// step's heading; a step change goes to the new step's heading, which screen readers then
// read out. The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.focus = (function () {
  "use strict";

  let focusWas = null;

  // Needs event.detail.shouldSwap as decided for this answer.
  function beforeSwap(event) {
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
  }

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
  function afterSettle() {
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
  }

  return { beforeSwap: beforeSwap, afterSettle: afterSettle };
})();
