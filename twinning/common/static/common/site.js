// Small behaviours that need a script (the page works without it). No inline scripts: the CSP forbids them.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
