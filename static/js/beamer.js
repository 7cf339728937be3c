// AKAD casustafel, beamer: the content fills the screen height and always fits it (no
// scrolling in a room). beamer.css sizes everything in multiples of --u = 1.3vw × --beamer-scale.
// After load, after each new content from the poll (htmx:afterSettle) and on a window resize,
// this finds the largest scale between FLOOR and 1 at which the page is no taller than the
// window and no word is split over two lines. So the type grows when there is room and shrinks
// when there is not. 1 is the ceiling: beyond it a few tips would turn into a poster (the rows
// take the rest of the screen instead).
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

  // Boxes whose words must stay whole: beamer.css lets a word that is wider than its box
  // stick out (overflow-wrap: normal) instead of splitting it, so that this can see it.
  const WORDS = ".placemat th, .placemat .tip, .agreements th, .agreements td";
  const BREAK_WORDS = "beamer-break-words"; // on a box: its words may split after all

  function sticksOut(box) {
    return box.scrollWidth > box.clientWidth + 1;
  }

  function wordsFit() {
    for (const box of document.querySelectorAll(WORDS)) {
      if (sticksOut(box)) return false;
    }
    return true;
  }

  function fits() {
    // Reading the sizes forces the new layout.
    return root.scrollHeight <= root.clientHeight && wordsFit();
  }

  function search() {
    // The largest scale that fits; false when even the floor does not.
    setScale(1);
    if (fits()) return true;
    setScale(FLOOR);
    if (!fits()) return false;
    let low = FLOOR; // fits
    let high = 1; // does not fit
    for (let i = 0; i < STEPS; i++) {
      const middle = (low + high) / 2;
      setScale(middle);
      if (fits()) low = middle;
      else high = middle;
    }
    setScale(low);
    return true;
  }

  function fit() {
    for (const box of document.querySelectorAll("." + BREAK_WORDS)) {
      box.classList.remove(BREAK_WORDS); // the window may have grown since
    }
    if (search()) return;
    // Too much for one screen, or a word too long for its box even at the floor (a web
    // address): that box may split its words, the others keep theirs whole. If it still does
    // not fit, the smallest readable size stays and the bottom may overflow.
    let marked = false;
    for (const box of document.querySelectorAll(WORDS)) {
      if (sticksOut(box)) {
        box.classList.add(BREAK_WORDS);
        marked = true;
      }
    }
    if (!marked || !search()) setScale(FLOOR);
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
