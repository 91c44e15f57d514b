// The company menu is a <details> disclosure. It is open in the HTML, so it works without JavaScript;
// this script (run right after the menu is parsed, before the page paints) closes it on phone widths and
// keeps it open on wide screens, where CSS hides its "Menu" summary. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 720px)");
  function sync() {
    document.querySelectorAll("details.nav-menu").forEach(function (menu) { menu.open = !narrow.matches; });
  }
  sync();
  narrow.addEventListener("change", sync);
  // Wide tables scroll inside .table-scroll: make the ones that really scroll reachable by keyboard and
  // name them after their caption, so a screen reader says what the scrolling region holds.
  function labelScrollers() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) { return; }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      var table = box.querySelector("table");
      var name = caption ? caption.textContent : (table && table.getAttribute("aria-label")) || "";
      if (name.trim()) {
        box.setAttribute("aria-label", name.trim());
      } else if (table && table.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-labelledby", table.getAttribute("aria-labelledby"));
      }
    });
  }
  // A table a template left unwrapped gets the same scrolling box, so it cannot widen the page at any width.
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-scroll, .chart-table")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wrapTables(); labelScrollers(); });
}());
