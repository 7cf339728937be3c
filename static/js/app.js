// AKAD casustafel: small helpers for every page. No inline script anywhere (strict CSP).
(function () {
  "use strict";

  // Countdown timers: <span class="timer" data-started="ISO" data-minutes="5" data-server-now="ISO">
  // Shows the time left in the step, and the overrun (with a warning sign) when it is over.
  let clockOffset = 0; // server time minus this device's time, in ms

  function format(seconds) {
    const s = Math.abs(Math.round(seconds));
    const m = Math.floor(s / 60);
    return String(m).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }

  function tick() {
    document.querySelectorAll(".timer[data-started]").forEach(function (el) {
      // The server's clock comes with the timer, or (beamer: its content is shared by every
      // screen and rendered once) with the element around it that each screen gets fresh.
      const source = el.dataset.serverNow ? el : el.closest("[data-server-now]");
      if (source) {
        clockOffset = Date.parse(source.dataset.serverNow) - Date.now();
        delete source.dataset.serverNow;
      }
      const started = Date.parse(el.dataset.started);
      const total = Number(el.dataset.minutes || 0) * 60;
      const elapsed = (Date.now() + clockOffset - started) / 1000;
      const left = total - elapsed;
      const over = total > 0 && left < 0;
      el.classList.toggle("overrun", over);
      if (total === 0) {
        el.textContent = format(elapsed) + " " + (el.dataset.elapsedLabel || "elapsed");
      } else if (over) {
        el.textContent = "+" + format(-left) + " " + (el.dataset.overLabel || "over time");
      } else {
        el.textContent = format(left) + " " + (el.dataset.leftLabel || "left");
      }
    });
  }
  setInterval(tick, 1000);

  // A request that fails gets a message in the user's language (htmx does not swap errors).
  // Fields that keep a draft say so themselves, and a validation answer (422) is shown.
  // A session that has gone (401) or a refused form (the server says "expired") is always
  // told: that request will not succeed by itself, a reload and a new login are needed.
  function showRequestError(event) {
    const box = document.getElementById("request-error");
    const elt = event.detail.elt;
    const xhr = event.detail.xhr;
    const status = xhr ? xhr.status : 0;
    const expired = status === 401 || (xhr && xhr.getResponseHeader("X-Akad-Reason") === "expired");
    if (!box || (!expired && elt && elt.dataset && elt.dataset.draftKey)) return;
    if (status === 422) return;
    const key = expired ? "expired" : status === 0 ? "offline" : status === 403 ? "forbidden"
      : status === 404 ? "gone" : "failed";
    box.querySelector("p").textContent = box.dataset[key];
    box.classList.remove("hidden");
  }
  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:sendError", showRequestError);
  document.addEventListener("htmx:afterRequest", function (event) {
    const box = document.getElementById("request-error");
    if (box && event.detail.successful) box.classList.add("hidden");
  });
  // Logging out of a shared laptop: text that never reached the server is still kept in this
  // browser (drafts.js keeps all of it). Ask first; going ahead removes it.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.classList || !form.classList.contains("logout")) return;
    const drafts = window.AkadDrafts.names();
    if (!drafts || !drafts.length) return;
    if (!window.confirm(form.dataset.unsavedConfirm)) { event.preventDefault(); return; }
    drafts.forEach(window.AkadDrafts.forget);
  });
  // After an HTMX swap, what it says about itself ("Tip added.", "Saved", an error) is read out
  // through one live region that is always on the page: a live region that arrives with the
  // swap itself is not reliably announced.
  let announced = null;
  document.addEventListener("htmx:afterSettle", function (event) {
    const announcer = document.getElementById("announcer");
    const swapped = event.detail.elt;
    if (!announcer || !swapped || !swapped.querySelector) return;
    const said = "[data-announce], .save-status, [role=alert], .error, .errorlist";
    const news = [swapped].concat(Array.prototype.slice.call(swapped.querySelectorAll(said)))
      .find(function (el) { return el.matches(said) && !el.closest("[hidden]") && el.textContent.trim(); });
    const text = news && news.textContent.trim();
    if (!text) return;
    announcer.textContent = "";
    clearTimeout(announced);
    announced = setTimeout(function () { announcer.textContent = text; }, 100);
  });

  // A plain form (no htmx) is sent once: a second click while the page loads does nothing.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || form.hasAttribute("data-hx-post") || form.method !== "post") return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "true";
  });
  // Back to a page the browser kept: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
  });

  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
})();
