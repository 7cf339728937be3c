// AKAD casustafel, beamer: the content fills the screen height and always fits it (no
// scrolling in a room). beamer.css sizes everything in multiples of --u = 1.3vw × --beamer-scale.
// After load, after each new content from the poll (htmx:afterSettle) and on a window resize,
// this finds the largest scale between FLOOR and 1 at which the page is no taller than the
// window. So the type grows when there is room and shrinks when there is not. 1 is the ceiling:
// beyond it a few tips would turn into a poster (the rows take the rest of the screen instead).
// Below the floor text would get too small to read from the back of the room: then the floor
// is used and the bottom may overflow. An unchanged poll (204) swaps nothing and fits nothing.
(function () {
  "use strict";

  const FLOOR = 0.55;
  const STEPS = 7; // halvings of [FLOOR, 1]: the scale is found to within 0.004
  const root = document.documentElement;

  function setScale(scale) {
    // A CSSOM change from a script file: allowed by the CSP (style-src 'self').
    root.style.setProperty("--beamer-scale", scale.toFixed(3));
  }

  function fits() {
    return root.scrollHeight <= root.clientHeight; // reading forces the new layout
  }

  function fit() {
    setScale(1);
    if (fits()) return;
    setScale(FLOOR);
    if (!fits()) return; // too much for one screen: keep the smallest readable size
    let low = FLOOR; // fits
    let high = 1; // does not fit
    for (let i = 0; i < STEPS; i++) {
      const middle = (low + high) / 2;
      setScale(middle);
      if (fits()) low = middle;
      else high = middle;
    }
    setScale(low);
  }

  let pending = false;
  function fitSoon() {
    // Once per frame at most, however many resize events the window sends.
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      fit();
    });
  }

  fit();
  window.addEventListener("load", fit); // late layout changes (fonts, the favicon) are in now
  window.addEventListener("resize", fitSoon);
  document.addEventListener("htmx:afterSettle", fit);
})();
