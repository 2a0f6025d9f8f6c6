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

// A table or chart wider than its box scrolls inside it. Such a box then takes the keyboard's focus
// (arrow keys scroll it) and is a region named after its table's caption or the heading before it;
// inside a section already named so (aria-labelledby its heading), it is a group of that name
// instead, so that two landmarks do not share one name. A box that fits adds no Tab stop.
(() => {
  const sectionName = (box) => {
    const section = box.parentElement?.closest("section[aria-labelledby], section[aria-label]");
    if (!section) return null;
    if (section.hasAttribute("aria-label")) return section.getAttribute("aria-label").trim();
    return section
      .getAttribute("aria-labelledby")
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent.trim() ?? "")
      .join(" ");
  };
  const nameOf = (box) => {
    const caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (let node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    const heading = box.closest("section")?.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "";
  };
  const mark = () => {
    for (const box of document.querySelectorAll(".table-wrap, .chart-wrap")) {
      // A box the page made focusable itself keeps what the page said.
      if (box.hasAttribute("tabindex") && !("scrolls" in box.dataset)) continue;
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", nameOf(box));
        box.setAttribute("role", box.getAttribute("aria-label") === sectionName(box) ? "group" : "region");
        box.dataset.scrolls = "";
      } else if ("scrolls" in box.dataset) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrolls;
      }
    }
  };
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
  mark();
})();

// A time-zone select that knows each country's usual zone (data-zone-of-country) takes it when the
// form's country is chosen, unless a zone was already chosen by hand.
for (const zones of document.querySelectorAll("select[data-zone-of-country]")) {
  const country = zones.form && zones.form.querySelector("select[name=country]");
  if (!country) continue;
  const usual = JSON.parse(zones.dataset.zoneOfCountry);
  const choose = () => {
    if (!zones.value && usual[country.value]) zones.value = usual[country.value];
  };
  country.addEventListener("change", choose);
  choose();
}

// Data-saver mode (common/data_saver.py): a photo comes as a light placeholder, a link to the photo that
// works without a script. Here it becomes a button that loads the photo in place, and the focus moves
// to the photo so that a keyboard or screen-reader user stays where they were.
(() => {
  for (const link of document.querySelectorAll("a.tap-image[data-src]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.innerHTML = link.innerHTML;
    button.dataset.testid = "tap-image";
    button.addEventListener("click", () => {
      const img = document.createElement("img");
      img.src = link.dataset.src;
      img.alt = link.dataset.alt || "";
      img.tabIndex = -1;
      button.replaceWith(img);
      img.focus();
    });
    link.replaceWith(button);
  }
})();
