// Console: the tips step follows the room (#console-follow polls every second and brings the
// placemat and the phone-tips bar again, out of band). A poll is held back while the
// facilitator works in the placemat (a tip open for editing, or the focus on one of its
// buttons), so that nothing edited or pointed at is redrawn under them; the next poll after
// that brings it all. The bar is redrawn under the focus ("show 2 waiting tips" becomes "show
// 3"): the focus goes to the same button in the new bar. The htmx events come through
// console.js.
window.AkadConsole = window.AkadConsole || {};
window.AkadConsole.follow = (function () {
  "use strict";

  let barFocus = null;

  function isPoll(event) {
    return event.detail.elt && event.detail.elt.id === "console-follow";
  }

  function busy() {
    if (document.querySelector("#live-placemat .tip.editing")) return true;
    const active = document.activeElement;
    return Boolean(active && active.closest && active.closest("#live-placemat"));
  }

  function beforeRequest(event) {
    if (isPoll(event) && busy()) event.preventDefault();
  }

  // A poll sent just before the facilitator opened a tip for editing (or went into the
  // placemat) answers after it: it must not redraw the placemat under them either. Dropped,
  // the follower keeps the version it had, so the first poll once they are done brings it
  // all. True when this answer is dropped.
  function holdBack(event) {
    if (!isPoll(event) || !busy()) return false;
    event.detail.shouldSwap = false;
    return true;
  }

  function beforeSwap(event) {
    barFocus = null;
    if (!isPoll(event)) return;
    const active = document.activeElement;
    if (!active || !active.closest || !active.closest("#phone-tips-bar")) return;
    const form = active.closest("form");
    barFocus = { action: form ? form.getAttribute("action") : null, name: active.getAttribute("name") };
  }

  function afterSettle(event) {
    if (!isPoll(event) || !barFocus) return;
    const bar = document.getElementById("phone-tips-bar");
    const want = barFocus;
    barFocus = null;
    if (!bar || (document.activeElement && document.activeElement !== document.body)) return;
    const buttons = Array.from(bar.querySelectorAll("button"));
    const same = buttons.find(function (button) {
      const form = button.closest("form");
      return form && form.getAttribute("action") === want.action && button.getAttribute("name") === want.name;
    });
    const target = same || buttons[0];
    if (target) target.focus();
  }

  // A tip added here can arrive twice: when its answer is slow, a poll may already have drawn
  // the placemat with it (stored before the poll read the room), and then the answer appends
  // it to its cell. The first one stays, where the poll put it among the others.
  function afterSwap() {
    const placemat = document.getElementById("live-placemat");
    if (!placemat) return;
    const seen = new Set();
    placemat.querySelectorAll(".tip[id]").forEach(function (tip) {
      if (seen.has(tip.id)) tip.remove();
      else seen.add(tip.id);
    });
  }

  return {
    beforeRequest: beforeRequest,
    holdBack: holdBack,
    beforeSwap: beforeSwap,
    afterSwap: afterSwap,
    afterSettle: afterSettle,
  };
})();
