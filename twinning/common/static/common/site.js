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
