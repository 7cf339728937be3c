// AKAD casustafel: text typed on this device that the server has not confirmed yet is kept in
// localStorage. This is the one place that knows how it is stored: every kept item is under
// PREFIX, so that logging out (app.js) finds and removes all of it, whatever kept it. Templates
// name only the rest of the key (e.g. "user-3:case-7-strengths"), per user, so that another
// lead on a shared laptop never gets someone else's text back.
// Loaded on every page, before app.js and the console's files, which read window.AkadDrafts.
window.AkadDrafts = (function () {
  "use strict";

  const PREFIX = "akad-draft:";

  function storageKey(name) { return PREFIX + name; }

  // localStorage may be missing or refuse (private mode, full): then nothing is kept, and the
  // page works as without drafts.
  function read(name) {
    try { return localStorage.getItem(storageKey(name)); } catch (e) { return null; }
  }

  function keep(name, value) {
    try { localStorage.setItem(storageKey(name), value); } catch (e) { /* not kept */ }
  }

  function forget(name) {
    try { localStorage.removeItem(storageKey(name)); } catch (e) { /* nothing kept */ }
  }

  // Structured items (a pending tip) as JSON; something unreadable counts as nothing kept.
  function readObject(name) {
    const value = read(name);
    if (value === null) return null;
    try { return JSON.parse(value); } catch (e) { return null; }
  }

  function keepObject(name, value) { keep(name, JSON.stringify(value)); }

  // Every name kept on this device (for logging out). Null if storage cannot be read at all.
  function names() {
    const found = [];
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) found.push(key.slice(PREFIX.length));
      }
    } catch (e) { return null; }
    return found;
  }

  return { read: read, keep: keep, forget: forget, readObject: readObject, keepObject: keepObject, names: names };
})();
