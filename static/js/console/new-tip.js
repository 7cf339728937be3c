// Console, tips step: the new-tip form (#tip-form).
// - After a tip is stored, its text, giver and organisation are emptied for the next tip (a
//   tip is credited to whoever gave it, on the beamer and in the report); the cell stays, the
//   next tip often goes to the same one.
// - A tip sent is kept on the device (drafts.js, under the form's data-pending-key) until the
//   server has answered it. One that did not get through says so, and goes again by itself
//   with the same form key (so the server stores it once): when the browser is back online,
//   after the next request that succeeds, every few seconds, and after a reload.
// The htmx events come through console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.newTip = (function () {
  "use strict";

  const drafts = window.AkadDrafts;
  const SENT = ["text", "domain", "column", "given_by", "organisation", "key"];
  const EMPTIED = ["text", "given_by", "organisation"];  // what the next tip asks anew
  const RETRY_MS = 5000;

  function isForm(elt) { return Boolean(elt && elt.id === "tip-form"); }

  function currentForm() { return document.getElementById("tip-form"); }

  // The element that made the request. Not event.detail.elt: that is where the event is
  // fired, the target for htmx:beforeSwap, and for htmx:afterRequest an ancestor still on the
  // page when the answer has replaced the form (a redrawn panel).
  function requestedBy(event) {
    const config = event.detail.requestConfig;
    return config ? config.elt : event.detail.elt;
  }

  function field(form, name) { return form.querySelector('[name="' + name + '"]'); }

  function readForm(form) {
    const values = {};
    SENT.forEach(function (name) { const f = field(form, name); values[name] = f ? f.value : ""; });
    const code = form.querySelector(".cell-code-input");
    values.code = code ? code.value : "";  // not sent (the lists are), but shown again
    return values;
  }

  function kept(form) { return drafts.readObject(form.dataset.pendingKey); }

  function forgetKept(form, key) {
    const tip = kept(form);
    if (tip && tip.key === key) drafts.forget(form.dataset.pendingKey);
  }

  // One line says where a tip that did not get through stands; empty otherwise.
  function say(form, what) {
    const status = form && form.querySelector("#tip-send-status");
    if (!status) return;
    status.textContent = what ? form.dataset[what + "Label"] || "" : "";
    status.classList.toggle("failed", what === "waiting" || what === "expired");
  }

  // "✓ Tip added." is about the tip before: it goes as soon as the next one is begun, sent,
  // or refused (by the browser's own check, a wrong cell code or a failed request), so that it
  // never stands beside a message about this one.
  function forgetAdded(form) {
    form.querySelectorAll("#tip-form-meta .save-status").forEach(function (status) { status.remove(); });
  }

  document.addEventListener("input", function (event) {
    if (event.target.form && isForm(event.target.form)) forgetAdded(event.target.form);
  });

  // "invalid" does not bubble: listened for on the way down.
  document.addEventListener("invalid", function (event) {
    if (event.target.form && isForm(event.target.form)) forgetAdded(event.target.form);
  }, true);

  // Enter in a list of the form sends the tip, as it does in its text fields: keyboard first,
  // also when the organisation is the last thing picked.
  document.addEventListener("keydown", function (event) {
    const select = event.target;
    if (event.key !== "Enter" || select.tagName !== "SELECT" || !select.form || !isForm(select.form)) return;
    event.preventDefault();
    select.form.requestSubmit();
  });

  // What the request in flight carries (hx-sync lets one go at a time). Fields are emptied
  // only if they still hold it: the next tip may be typed (its giver chosen) while it travels.
  let sent = null;
  // A kept tip being sent again: that, not what the form shows now, is what goes.
  let resending = null;
  let retry = null;

  function isResend() { return resending !== null; }

  function sending(form) {
    sent = resending || readForm(form);
    drafts.keepObject(form.dataset.pendingKey, sent);
    say(form, resending ? "sending" : null);
  }

  function resend() {
    clearTimeout(retry);
    const form = currentForm();
    const tip = form && kept(form);
    if (!tip || sent) return;
    const values = {};
    SENT.forEach(function (name) { values[name] = tip[name] || ""; });
    // The kept tip was checked when it was first sent; the fields may hold the next one by
    // now, half typed, which must not stop it. htmx runs up to the request's start at once.
    const noValidate = form.noValidate;
    form.noValidate = true;
    resending = tip;
    try {
      const request = window.htmx.ajax("POST", form.getAttribute("data-hx-post"), { source: form, values: values });
      if (request && request.catch) request.catch(function () { /* told in afterRequest */ });
    } finally {
      resending = null;
      form.noValidate = noValidate;
    }
  }

  window.addEventListener("online", resend);

  // The form drawn (the page loaded, the panel redrawn): a tip still kept is put back if the
  // form is empty, its key becomes the form's (so Enter sends that same tip), and it goes.
  function drawn(root) {
    const form = currentForm();
    if (!form || !root || !(root === form || root.contains(form))) return;
    const tip = kept(form);
    if (!tip) return;
    if (!field(form, "text").value) {
      ["text", "domain", "column", "given_by", "organisation"].forEach(function (name) {
        const f = field(form, name);
        if (f && (f.tagName !== "SELECT" || f.querySelector('option[value="' + CSS.escape(tip[name] || "") + '"]'))) {
          f.value = tip[name] || "";
        }
      });
      const code = form.querySelector(".cell-code-input");
      if (code) code.value = tip.code || "";
    }
    field(form, "key").value = tip.key;
    resend();
  }

  // The messages of a refusal (the form drawn again by the server) are about a try before
  // the one now stored: they go, so that "not added" never stands beside "added". (The cell
  // code's own message is cell-picker.js's.)
  function forgetRefusal(form) {
    form.querySelectorAll(".error:not(#cell-code-error), .errorlist").forEach(function (message) { message.remove(); });
    form.querySelectorAll('[aria-invalid="true"]:not(.cell-code-input)').forEach(function (f) {
      f.removeAttribute("aria-invalid");
      f.removeAttribute("aria-describedby");
    });
  }

  // Stored (a new tip, or the same key stored before): the fields that still hold it empty.
  // Not if the server has another text under this key: a tip typed over one that seemed not
  // to get through (it had, the answer was lost) and sent with its key is not stored; it
  // stays in the form, where the redrawn panel gives it a key of its own.
  document.body.addEventListener("tipAdded", function (event) {
    const form = currentForm();
    const text = form && field(form, "text");
    if (!text) return;
    forgetRefusal(form);
    const stored = event.detail && event.detail.text;
    if (sent && (stored === undefined || stored === sent.text.trim())) {
      EMPTIED.forEach(function (name) {
        const f = field(form, name);
        if (f && f.value === sent[name]) f.value = "";  // the organisation: "— none —"
      });
    }
    text.focus();
  });

  // The server answered the tip (stored, or refused with the form drawn again and its
  // message): its kept copy goes before the answer is drawn, or drawing would bring it back.
  function beforeSwap(event) {
    const form = requestedBy(event);
    if (!isForm(form) || event.detail.isError || !sent) return;
    forgetKept(form, sent.key);
    say(form, null);
  }

  function afterRequest(event) {
    const elt = requestedBy(event);
    if (!isForm(elt)) {
      if (event.detail.successful) resend();  // the server is there again
      return;
    }
    const tip = sent;
    sent = null;
    if (event.detail.successful || !tip) return;
    const form = currentForm() || elt;
    forgetAdded(form);
    const xhr = event.detail.xhr;
    const code = xhr ? xhr.status : 0;
    if (code === 401 || (xhr && xhr.getResponseHeader("X-Akad-Reason") === "expired")) {
      say(form, "expired");  // goes after a reload and a new login
    } else if (code === 0 || code >= 500) {
      say(form, "waiting");
      retry = setTimeout(resend, RETRY_MS);
    } else {
      // Not allowed, or gone: it will not be stored however often it goes (the page says why).
      forgetKept(elt, tip.key);
      say(form, null);
    }
  }

  return {
    isForm: isForm,
    isResend: isResend,
    forgetAdded: forgetAdded,
    sending: sending,
    drawn: drawn,
    beforeSwap: beforeSwap,
    afterRequest: afterRequest,
  };
})();
