// Offline reading and writing. The page works without it, exactly as before.
//
// 1. For a signed-in person it registers the service worker (/sw.js), tells it whose pages these
//    are (an opaque key, so that nobody else's copies stay on a shared device) and which of the
//    twinning's key pages to keep ahead of time (the workspace's data-offline-prefetch).
// 2. A page shown from the device's copy says so, with the time it was saved; going offline and
//    coming back are said too. All in one live region (#offline-notice), read out as it changes.
// 3. The outbox: a message written in a form marked data-outbox while offline is kept on the device
//    (IndexedDB) and sent when the connection returns, with its idempotency key, so the server
//    posts it once however often it is sent (common.idempotency). By the form, each message shows
//    its state: waiting to send, sent, or refused with the server's reason, kept for its writer to
//    copy. Online, the form is sent as usual, with a key too (a double tap posts once).
// No inline script: the strict Content-Security-Policy forbids them.
(() => {
  "use strict";
  const body = document.body;
  const notice = document.getElementById("offline-notice");
  if (!notice) return;
  const say = (name) => notice.dataset[name] || "";
  const ownKey = body.dataset.offlineKey || "";
  const savedAt = body.dataset.offlineSavedAt || "";

  const announce = (message, state) => {
    notice.dataset.state = state;
    notice.textContent = message;
  };

  for (const button of document.querySelectorAll("[data-history-back]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  }

  // --- 2. What the reader sees is a saved copy, or the connection went ----------------------------

  const clock = (when) => {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn" };
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang, { ...options, timeZone: say("timeZone") }).format(when);
    } catch (error) {
      return new Intl.DateTimeFormat(document.documentElement.lang, options).format(when);
    }
  };

  if (savedAt) {
    const when = new Date(savedAt);
    announce(say("saved").replace("{time}", Number.isNaN(when.getTime()) ? "" : clock(when)), "saved");
  } else if (navigator.onLine === false) {
    announce(say("offline"), "offline");
  }
  window.addEventListener("offline", () => {
    if (!savedAt) announce(say("offline"), "offline");
  });

  // --- 1. The service worker --------------------------------------------------------------------------

  const prefetchList = () => {
    const nav = document.querySelector("[data-offline-prefetch]");
    if (!nav || savedAt || navigator.onLine === false) return [];
    // A person who asked their browser to save data gets only the pages they open.
    if (navigator.connection && navigator.connection.saveData) return [];
    return nav.dataset.offlinePrefetch.split(/\s+/).filter(Boolean);
  };

  if ("serviceWorker" in navigator && ownKey && say("worker")) {
    navigator.serviceWorker.register(say("worker"), { scope: "/" }).catch(() => {
      /* no worker (a private window, storage off): pages simply are not kept */
    });
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage({ type: "hello", key: ownKey, prefetch: prefetchList() });
    });
  }

  // --- 3. The outbox ------------------------------------------------------------------------------------

  const forms = Array.from(document.querySelectorAll("form[data-outbox]"));
  if (!ownKey || !("indexedDB" in window)) return;

  const newKey = () => {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  };

  const database = () =>
    new Promise((resolve, reject) => {
      const opening = window.indexedDB.open("twinning-outbox", 1);
      opening.onupgradeneeded = () => {
        opening.result.createObjectStore("messages", { keyPath: "key" }).createIndex("owner", "owner");
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });

  const inStore = async (mode, work) => {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction("messages", mode);
      const request = work(transaction.objectStore("messages"));
      transaction.oncomplete = () => {
        db.close();
        resolve(request.result);
      };
      transaction.onerror = () => reject(transaction.error);
    });
  };
  const mine = () => inStore("readonly", (store) => store.index("owner").getAll(ownKey));
  const save = (message) => inStore("readwrite", (store) => store.put(message));
  const drop = (key) => inStore("readwrite", (store) => store.delete(key));

  let kept = [];
  const unsent = () => kept.filter((message) => message.state !== "sent").length;

  // Each form carries a key for what is in it now: sending the same form twice posts once.
  const giveKey = (form) => {
    let input = form.querySelector("input[name=idempotency_key]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "idempotency_key";
      form.append(input);
    }
    input.value = newKey();
    return input;
  };
  for (const form of forms) giveKey(form);

  // drafts.js keeps what is typed under this name; once the text is in the outbox it goes from there.
  const draftName = (form, field) => {
    const action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    return `twinning-draft:v1:${window.location.pathname}|${action.pathname}|${field.name}`;
  };

  const stateText = (message) => {
    if (message.state === "sent") return say("sent");
    if (message.state === "refused") return say("refused").replace("{reason}", message.reason || "");
    if (message.state === "sending") return say("sending");
    return message.hint || say("waiting");
  };

  const copy = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    announce(say("copied"), "online");
  };

  const button = (label, act) => {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "link-button";
    element.textContent = label;
    element.addEventListener("click", act);
    return element;
  };

  // The messages written on this page, under its form (or at the end of the page, when the form is
  // gone: the twinning closed, and the writer comes back to copy their text).
  const render = () => {
    const form = forms[0];
    let section = document.querySelector("[data-testid=outbox]");
    const here = kept.filter((message) => message.page === window.location.pathname).sort((a, b) => a.at - b.at);
    if (!here.length) {
      if (section) section.remove();
      return;
    }
    if (!section) {
      section = document.createElement("section");
      section.className = "panel outbox";
      section.dataset.testid = "outbox";
      section.setAttribute("aria-labelledby", "outbox-title");
      const heading = document.createElement("h2");
      heading.id = "outbox-title";
      heading.textContent = say("outboxTitle");
      section.append(heading);
      if (form) (form.closest("section") || form).insertAdjacentElement("afterend", section);
      else document.getElementById("main").append(section);
    }
    for (const old of section.querySelectorAll("article")) old.remove();
    for (const message of here) {
      const item = document.createElement("article");
      item.className = "post outbox-item";
      item.dataset.testid = "outbox-item";
      item.dataset.state = message.state;
      // A refusal is a sentence to read (the server's reason); the other states are a short badge.
      const state = document.createElement("p");
      let label = state;
      if (message.state === "refused") {
        state.className = "message message-error";
      } else {
        label = document.createElement("span");
        label.className = message.state === "sent" ? "badge badge-ok" : "badge badge-warn";
        state.append(label);
      }
      label.dataset.testid = "outbox-state";
      label.textContent = stateText(message);
      const text = document.createElement("div");
      text.className = "post-body";
      text.dir = "auto";
      text.textContent = message.text;
      const actions = document.createElement("p");
      actions.className = "actions";
      if (message.state === "sent" && message.url) {
        const link = document.createElement("a");
        link.href = message.url;
        link.textContent = say("see");
        actions.append(link);
      }
      if (message.state === "refused") actions.append(button(say("copy"), () => copy(message.text)));
      if (message.state !== "sending") {
        actions.append(
          button(say("remove"), async () => {
            await drop(message.key);
            kept = kept.filter((other) => other.key !== message.key);
            render();
          }),
        );
      }
      item.append(state, text, actions);
      section.append(item);
    }
  };

  const token = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // A page kept from an earlier session may hold an outdated form token: ask the page again for one.
  const freshToken = async (page) => {
    try {
      const answer = await fetch(page, { credentials: "same-origin" });
      if (!answer.ok || answer.redirected) return "";
      const found = new DOMParser().parseFromString(await answer.text(), "text/html").querySelector("input[name=csrfmiddlewaretoken]");
      return found ? found.value : "";
    } catch (error) {
      return "";
    }
  };

  const post = (message, csrf) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(message.fields)) data.append(name, value);
    data.append("csrfmiddlewaretoken", csrf);
    return fetch(message.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Idempotency-Key": message.key },
    });
  };

  const isJson = (answer) => (answer.headers.get("Content-Type") || "").includes("application/json");

  let flushing = false;
  const flush = async () => {
    if (flushing || navigator.onLine === false) return;
    flushing = true;
    try {
      for (const message of kept.filter((one) => one.state === "waiting")) {
        message.state = "sending";
        render();
        let answer;
        try {
          answer = await post(message, token());
          if (answer.status === 403) {
            const csrf = await freshToken(message.page);
            if (csrf) answer = await post(message, csrf);
          }
        } catch (error) {
          message.state = "waiting"; // the connection went again: next time
          break;
        } finally {
          if (message.state === "sending") message.state = "waiting";
        }
        message.hint = "";
        if (answer.redirected || answer.status === 403) {
          message.hint = say("signIn"); // the session ended: it waits for the next sign-in
        } else if (answer.ok && isJson(answer)) {
          const result = await answer.json();
          message.state = "sent";
          message.url = result.url || "";
        } else if (answer.status === 422 && isJson(answer)) {
          message.state = "refused";
          message.reason = (await answer.json()).reason || "";
        } else if (answer.status === 404) {
          message.state = "refused";
          message.reason = say("gone");
        }
        // Anything else (the server busy or failing): it stays waiting and is sent again later.
        message.sentAt = Date.now();
        await save(message);
        announce(stateText(message), message.state === "refused" ? "offline" : "online");
      }
    } finally {
      flushing = false;
      render();
    }
  };

  window.addEventListener("online", () => {
    announce(say("online"), "online");
    flush();
  });

  // Keeping a message written offline.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!forms.includes(form) || navigator.onLine !== false) return;
    event.preventDefault();
    const fields = {};
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields[name] = value;
    }
    const keyInput = form.querySelector("input[name=idempotency_key]");
    const message = {
      key: fields.idempotency_key || newKey(),
      owner: ownKey,
      action: new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname,
      page: window.location.pathname,
      fields,
      text: [fields.title, fields.body].filter((part) => part && part.trim()).join("\n\n"),
      state: "waiting",
      reason: "",
      url: "",
      at: Date.now(),
    };
    save(message).then(() => {
      kept.push(message);
      for (const field of form.querySelectorAll("textarea[name], input[type=text][name]")) {
        if (field.tagName === "TEXTAREA") window.localStorage.removeItem(draftName(form, field));
        field.value = "";
      }
      if (keyInput) keyInput.value = newKey();
      announce(say("queued"), "offline");
      render();
    });
  });

  // Signing out: first in line (before drafts.js forgets the drafts), so that it can be called off.
  document.addEventListener(
    "submit",
    (event) => {
      if (!event.target.classList.contains("sign-out")) return;
      if (unsent() && !window.confirm(say("signOut"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "signout" });
      }
      for (const message of kept) drop(message.key);
    },
    true,
  );

  const DAY_MS = 24 * 3600 * 1000;
  mine()
    .then(async (messages) => {
      kept = [];
      for (const message of messages) {
        // A message the page was sending when it closed is sent again (its key makes that safe);
        // one sent a day ago has been seen.
        if (message.state === "sending") message.state = "waiting";
        if (message.state === "sent" && Date.now() - (message.sentAt || message.at) > DAY_MS) await drop(message.key);
        else kept.push(message);
      }
      render();
      flush();
    })
    .catch(() => {
      /* storage switched off: forms are sent as usual */
    });
})();
