// The year at a glance on a twinning's meetings page (meetings/_year.html): a grid of days with one Tab
// stop. The arrow keys move between days as they are laid out: up and down to the day before and after,
// left and right to the week before or after in the reading direction (mirrored in Hebrew and Arabic);
// Page Up and Page Down by four weeks; Home and End to the first and last day. Without the script the
// days can still be read, and the week navigation and the proposal form do what the days' links do.
for (const grid of document.querySelectorAll("[data-year]")) {
  const days = [...grid.querySelectorAll("[data-day]")].sort((a, b) => a.dataset.day.localeCompare(b.dataset.day));
  if (!days.length) continue;

  const moveTo = (target) => {
    for (const day of days) day.tabIndex = day === target ? 0 : -1;
    target.focus();
  };

  grid.addEventListener("focusin", (event) => {
    const day = event.target.closest("[data-day]");
    if (day && day.tabIndex !== 0) {
      for (const other of days) other.tabIndex = other === day ? 0 : -1;
    }
  });

  grid.addEventListener("keydown", (event) => {
    const day = event.target.closest("[data-day]");
    if (!day || event.altKey || event.metaKey || event.ctrlKey) return;
    const at = days.indexOf(day);
    const forward = getComputedStyle(grid).direction === "rtl" ? "ArrowLeft" : "ArrowRight";
    const backward = forward === "ArrowLeft" ? "ArrowRight" : "ArrowLeft";
    const steps = { ArrowDown: 1, ArrowUp: -1, [forward]: 7, [backward]: -7, PageDown: 28, PageUp: -28 };
    let next;
    if (event.key in steps) next = at + steps[event.key];
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = days.length - 1;
    else return;
    event.preventDefault();
    if (next >= 0 && next < days.length) moveTo(days[next]);
  });
}
