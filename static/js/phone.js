// AKAD casustafel, phones in the room: a tip is never lost and never stored twice.
//
// Sending a tip puts it in an outbox kept on the device (drafts.js: "phone-<meeting>-outbox")
// with its own idempotency key, and empties the form for the next one. The outbox is sent one tip at a
// time; a tip leaves it only when the server has confirmed it (the answer, or the tip showing
// up in "your tips" with the same key). No connection, a server error or the rate limit:
// the tip waits and is sent again (when the browser says it is back online, and every few
// seconds). A refusal with a reason (too long, the round has ended) stays with its message
// until the person puts the text back in the form or removes it. The server stores a key
// once, so sending again after a lost answer, a double tap or a reload stores one tip.
//
// The text being typed is kept as a draft too. The room section above the form is redrawn by
// htmx's poll; the form itself never is (the phone's keyboard stays up): its lists are
// brought up to date from the <template>s the poll brings, keeping what the person picked.
(function () {
  "use strict";

  // --- The edit page of one tip: save without losing the text on a bad connection --------
  const editForm = document.getElementById("phone-edit-form");
  if (editForm) {
    editForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const line = editForm.querySelector(".phone-status");
      const csrf = editForm.querySelector("input[name=csrfmiddlewaretoken]").value;
      fetch(editForm.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(editForm)),
        headers: { "X-CSRFToken": csrf, "X-Akad-Phone": "1" },
        credentials: "same-origin",
      }).then(function (response) {
        if (response.ok) { window.location.assign(editForm.dataset.back); return null; }
        // Looks like it identifies someone: the page itself asks (with "save anyway").
        if (response.headers.get("X-Akad-Privacy") === "1") { HTMLFormElement.prototype.submit.call(editForm); return null; }
        return response.text().then(function (message) {
          line.textContent = response.status === 422 || response.status === 409 ? message : editForm.dataset.offline;
          line.classList.add("failed");
        });
      }).catch(function () {
        line.textContent = editForm.dataset.offline;
        line.classList.add("failed");
      });
    });
  }

  const root = document.getElementById("phone");
  const form = document.getElementById("phone-form");
  if (!root || !form) return;

  // Kept through drafts.js, the one place that names the device storage (logging out of a
  // shared device removes it with the rest).
  const drafts = window.AkadDrafts;
  const STORE = "phone-" + root.dataset.meeting + "-outbox";
  const DRAFT = "phone-" + root.dataset.meeting + "-text";
  const text = document.getElementById("phone-text");
  const status = document.getElementById("phone-status");
  const outbox = document.getElementById("outbox");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const keyInput = form.querySelector("input[name=key]");
  const caseInput = form.querySelector("input[name=case]");
  const domainSelect = document.getElementById("phone-domain");
  const columnSelect = document.getElementById("phone-column");

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain http (a phone on the venue's network): no randomUUID, but getRandomValues works.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- The outbox ----------------------------------------------------------------------------
  let items = drafts.readObject(STORE) || [];
  if (!Array.isArray(items)) items = [];
  let sending = false;
  let gone = false;
  let retry = null;
  let lastSend = 0;

  function keep() {
    // Without storage (private mode) the list in memory still holds them while the page is open.
    if (items.length) drafts.keepObject(STORE, items);
    else drafts.forget(STORE);
  }

  function say(message, failed) {
    status.textContent = message || "";
    status.classList.toggle("failed", Boolean(failed));
  }

  function label(select) {
    const option = select.options[select.selectedIndex];
    return option ? option.textContent.replace(/\s*★$/, "").replace(/^\S+\s/, "") : "";
  }

  function render() {
    outbox.replaceChildren();
    items.forEach(function (item) {
      const li = document.createElement("li");
      li.className = "my-tip waiting";
      li.dataset.key = item.key;
      const body = document.createElement("p");
      body.className = "my-tip-text";
      body.textContent = item.text;
      const where = document.createElement("p");
      where.className = "my-tip-meta";
      where.textContent = item.where;
      const state = document.createElement("p");
      const refused = item.state === "refused";
      state.className = "tip-state " + (refused ? "state-refused" : "state-waiting");
      state.textContent = refused ? root.dataset.refused + " " + item.message
        : item.state === "sending" ? root.dataset.sending
        : root.dataset.waiting + (item.message ? " (" + item.message + ")" : "");
      li.append(body, where, state);
      if (refused) {
        const actions = document.createElement("div");
        actions.className = "actions";
        const choices = [["edit", root.dataset.edit, ""], ["discard", root.dataset.discard, " danger"]];
        // Text that looks like it identifies someone: the person may say it is not the client.
        if (item.privacy) choices.unshift(["anyway", root.dataset.anyway, ""]);
        choices.forEach(function (spec) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button small" + spec[2];
          button.dataset.action = spec[0];
          button.textContent = spec[1];
          actions.append(button);
        });
        li.append(actions);
      }
      outbox.append(li);
    });
    const empty = document.querySelector("#my-tips .my-tips-empty");
    if (empty) empty.hidden = items.length > 0;
  }

  function drop(key) {
    items = items.filter(function (item) { return item.key !== key; });
    keep();
  }

  // A tip that shows up in the server's list is confirmed, whatever happened to its answer.
  function reconcile() {
    const confirmed = new Set(Array.prototype.map.call(
      document.querySelectorAll("#my-tips [data-key]"), function (li) { return li.dataset.key; }));
    const before = items.length;
    items = items.filter(function (item) { return !confirmed.has(item.key); });
    if (items.length !== before) keep();
    render();
  }

  function later(ms) {
    clearTimeout(retry);
    retry = setTimeout(function () { retry = null; flush(); }, ms);
  }

  function replaceMyTips(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.querySelector("#my-tips");
    const old = document.getElementById("my-tips");
    if (!fresh || !old) return;
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }

  function flush() {
    if (sending || gone) return;
    const item = items.find(function (i) { return i.state !== "refused"; });
    if (!item) return;
    sending = true;
    item.state = "sending";
    render();
    const body = new URLSearchParams({
      key: item.key, case: item.case, domain: item.domain, column: item.column, text: item.text,
    });
    if (item.anyway) body.set("save_anyway", "on");
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf, "X-Akad-Phone": "1" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.text().then(function (answer) {
        sending = false;
        if (response.ok) {
          drop(item.key);
          replaceMyTips(answer);
          reconcile();
          say(root.dataset.sent, false);
          flush();
          return;
        }
        const code = response.status;
        if (code === 422 || code === 409) {
          item.state = "refused";
          item.message = answer;
          item.privacy = response.headers.get("X-Akad-Privacy") === "1";
          say(root.dataset.refused + " " + answer, true);
        } else if (code === 429) {
          item.state = "waiting";
          item.message = answer;
          say(answer, true);
          later(1000 * Math.max(1, Number(response.headers.get("Retry-After")) || 10));
        } else if (code === 401 || code === 403 || code === 404) {
          item.state = "waiting";
          gone = true;
          say(root.dataset.gone, true);
        } else {
          item.state = "waiting";
          later(4000);
        }
        keep();
        render();
        if (item.state === "refused") flush();
      });
    }).catch(function () {
      // No connection (or the answer was lost): keep it, send it again with the same key.
      sending = false;
      item.state = "waiting";
      item.message = "";
      keep();
      render();
      say(root.dataset.offline, true);
      later(4000);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) {
      // The second tap of a double tap finds the form already emptied: nothing to say.
      if (Date.now() - lastSend > 1500) { say(root.dataset.empty, true); text.focus(); }
      return;
    }
    items.push({
      key: keyInput.value || newKey(),
      case: caseInput.value,
      domain: domainSelect.value,
      column: columnSelect.value,
      text: value,
      where: label(domainSelect) + " · " + label(columnSelect),
      state: "waiting",
      message: "",
    });
    keyInput.value = newKey(); // the next tip is another tip
    lastSend = Date.now();
    keep();
    text.value = "";
    drafts.forget(DRAFT);
    say("", false);
    render();
    flush();
  });

  outbox.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const key = button.closest("li").dataset.key;
    const item = items.find(function (i) { return i.key === key; });
    if (!item) return;
    if (button.dataset.action === "anyway") {
      item.anyway = true;
      item.state = "waiting";
      item.message = "";
      keep();
      render();
      flush();
      return;
    }
    if (button.dataset.action === "edit" && !text.value.trim()) {
      text.value = item.text;
      keepDraft();
      text.focus();
    }
    drop(key);
    render();
  });

  // --- The draft being typed -----------------------------------------------------------------
  function keepDraft() {
    if (text.value) drafts.keep(DRAFT, text.value);
    else drafts.forget(DRAFT);
  }
  text.addEventListener("input", keepDraft);
  const draft = drafts.read(DRAFT);
  if (draft && !text.value) text.value = draft;

  // --- Following the room --------------------------------------------------------------------
  let shownCase = caseInput.value;
  columnSelect.addEventListener("change", function () { columnSelect.dataset.touched = "true"; });

  function syncOptions(select, template, preferred, keepChoice) {
    const was = select.value;
    if (template && select.innerHTML.trim() !== template.innerHTML.trim()) {
      select.innerHTML = template.innerHTML;
    }
    const has = function (value) {
      return value && Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    };
    if (keepChoice && has(was)) select.value = was;
    else if (has(preferred)) select.value = preferred;
  }

  function sync() {
    const room = document.getElementById("phone-room");
    if (!room) return;
    const open = room.dataset.tips === "open" || room.dataset.tips === "parked";
    if (room.dataset.case !== shownCase) {
      shownCase = room.dataset.case || "";
      caseInput.value = shownCase;
      delete columnSelect.dataset.touched; // a new case starts at the spotlight again
    }
    syncOptions(domainSelect, room.querySelector("#domain-options"), domainSelect.value, true);
    syncOptions(columnSelect, room.querySelector("#column-options"), room.dataset.spotlight,
      Boolean(columnSelect.dataset.touched));
    if (!keyInput.value) keyInput.value = newKey();
    form.hidden = !open || !domainSelect.options.length;
  }

  // The poll's answer when this phone no longer counts (404) carries the ending: show it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (target && target.id === "phone-room" && event.detail.xhr.status === 404) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      gone = true;
    }
  });
  document.body.addEventListener("htmx:afterSettle", function () { sync(); reconcile(); });
  // Withdrawing refused (the round has just ended): say why.
  document.body.addEventListener("htmx:responseError", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.closest && elt.closest("#my-tips")) say(event.detail.xhr.responseText, true);
  });

  window.addEventListener("online", function () { clearTimeout(retry); flush(); });
  setInterval(flush, 5000);
  sync();
  reconcile();
  flush();
})();
