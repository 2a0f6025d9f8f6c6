// Drafts: what a person types in a text box of a form is kept in this browser until the form has
// been sent successfully, so an error page, an outage or an expired form never loses it.
// Kept in localStorage under the page, the form's address and the field's name; never for
// passwords (text boxes only); cleared on signing out, and forgotten after 14 days.
// No inline script: the strict Content-Security-Policy forbids them. The page works without it.
(() => {
  "use strict";
  const PREFIX = "twinning-draft:v1:";
  const PENDING = "twinning-drafts-pending";
  const MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  const SUCCESS_WINDOW_MS = 120 * 1000;

  let store;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return; // storage switched off: nothing to do
  }

  const body = document.body;
  const say = (name) => body.dataset[name] || "";

  const fields = () =>
    Array.from(document.querySelectorAll('form[method="post" i] textarea[name]')).filter(
      (field) => !field.closest("[data-no-draft]"),
    );

  const keyOf = (field) => {
    const action = new URL(field.form.getAttribute("action") || window.location.href, window.location.href);
    return `${PREFIX}${window.location.pathname}|${action.pathname}|${field.name}`;
  };

  const read = (key) => {
    try {
      const draft = JSON.parse(store.getItem(key));
      if (draft && typeof draft.text === "string" && Date.now() - draft.at < MAX_AGE_MS) return draft.text;
    } catch (error) {
      /* a value this script did not write */
    }
    store.removeItem(key);
    return "";
  };

  const write = (key, text) => {
    try {
      if (text.trim()) store.setItem(key, JSON.stringify({ text, at: Date.now() }));
      else store.removeItem(key);
    } catch (error) {
      /* storage full: the draft is not kept, the page still works */
    }
  };

  const forgetAll = () => {
    for (let i = store.length - 1; i >= 0; i -= 1) {
      const key = store.key(i);
      if (key && key.startsWith(PREFIX)) store.removeItem(key);
    }
  };

  // 1. The page after a form was sent. A page that asks to keep drafts (an error page, an expired
  //    form, the sign-in page) keeps them; so does going back or reloading. Otherwise a draft is
  //    cleared, unless the page shows the same field filled in again (the form came back with a
  //    mistake to correct).
  const settle = () => {
    let pending;
    try {
      pending = JSON.parse(window.sessionStorage.getItem(PENDING) || "null");
      window.sessionStorage.removeItem(PENDING);
    } catch (error) {
      pending = null;
    }
    if (!pending || !Array.isArray(pending.keys) || Date.now() - pending.at > SUCCESS_WINDOW_MS) return;
    if (body.hasAttribute("data-drafts-keep")) return;
    const navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    if (navigation && navigation.type !== "navigate") return;
    const shown = new Map(fields().map((field) => [keyOf(field), field.value.trim()]));
    for (const key of pending.keys) {
      if (!shown.get(key)) store.removeItem(key);
    }
  };

  const note = (field, text, buttons) => {
    const box = document.createElement("p");
    box.className = "draft-note";
    box.setAttribute("role", "status");
    box.append(document.createTextNode(`${text} `));
    for (const [label, act] of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = label;
      button.addEventListener("click", () => {
        act();
        box.remove();
        field.focus();
      });
      box.append(button, document.createTextNode(" "));
    }
    field.insertAdjacentElement("afterend", box);
  };

  // 2. Fill in what was kept, and keep what is typed from now on.
  const restore = () => {
    for (const field of fields()) {
      const key = keyOf(field);
      const kept = read(key);
      if (kept && kept !== field.value) {
        if (!field.value.trim()) {
          field.value = kept;
          note(field, say("draftRestored"), [
            [
              say("draftDiscard"),
              () => {
                field.value = "";
                store.removeItem(key);
              },
            ],
          ]);
        } else {
          note(field, say("draftOffer"), [[say("draftRestore"), () => { field.value = kept; }]]);
        }
      }
      let timer = null;
      field.addEventListener("input", () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(() => write(key, field.value), 300);
      });
    }
  };

  // 3. On sending: save at once, and remember which drafts the next page decides about.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.classList.contains("sign-out")) {
      forgetAll();
      return;
    }
    const sent = Array.from(form.querySelectorAll("textarea[name]")).filter((field) => !field.closest("[data-no-draft]"));
    if (!sent.length) return;
    for (const field of sent) write(keyOf(field), field.value);
    try {
      window.sessionStorage.setItem(PENDING, JSON.stringify({ keys: sent.map(keyOf), at: Date.now() }));
    } catch (error) {
      /* without session storage the drafts simply stay until they expire */
    }
  });

  // htmx forms do not leave the page: the answer says at once whether the text was taken.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !event.detail.successful) return;
    for (const field of form.querySelectorAll("textarea[name]")) store.removeItem(keyOf(field));
    try {
      window.sessionStorage.removeItem(PENDING);
    } catch (error) {
      /* nothing pending */
    }
  });

  settle();
  restore();
})();
