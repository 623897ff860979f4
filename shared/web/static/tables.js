// Narrow screens show each table row as a stack of "heading: value" lines (site.css, WCAG
// 1.4.10). A cell's heading comes from its data-label; this adds the attribute from the
// column headings where a template did not write it. Without JavaScript the rows still
// stack, only without the headings beside the values.
(function () {
  "use strict";
  document.querySelectorAll("main table").forEach(function (table) {
    var headings = [];
    table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
      var span = parseInt(th.getAttribute("colspan") || "1", 10);
      for (var i = 0; i < span; i += 1) {
        headings.push(th.textContent.replace(/\s+/g, " ").replace(/[▲▼]|\(.*?\)/g, "").trim());
      }
    });
    if (!headings.length) {
      return;
    }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headings[index]) {
          cell.setAttribute("data-label", headings[index]);
        }
      });
    });
  });
})();
