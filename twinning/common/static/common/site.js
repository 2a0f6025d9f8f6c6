// Small behaviours that need a script (the page works without it). No inline scripts: the CSP forbids them.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// The navigation's menus open without a script (<details>); this closes an open one when the reader
// clicks elsewhere, opens another, or presses Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll(".main-nav details[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll(".main-nav details[open]")) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  }
});

// After a failed submit the page shows an error summary (common/form_errors.html): move the focus to
// it, so a screen reader reads it and the keyboard starts from its links to each field.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// A navigation menu closes when the keyboard's focus leaves it (tabbing past its last link).
document.addEventListener("focusout", (event) => {
  const menu = event.target.closest(".main-nav details[open]");
  if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.removeAttribute("open");
});

// On a phone the header folds its navigation and tools behind a "Menu" button, so a page starts with
// its content rather than a fifth of the screen of links.
(() => {
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".nav-toggle");
  if (!toggle) return;
  const narrow = window.matchMedia("(max-width: 40rem)");
  const apply = () => {
    toggle.hidden = !narrow.matches;
    const open = toggle.getAttribute("aria-expanded") === "true";
    header.classList.toggle("nav-collapsed", narrow.matches && !open);
  };
  toggle.addEventListener("click", () => {
    toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    apply();
  });
  narrow.addEventListener("change", apply);
  apply();
})();
