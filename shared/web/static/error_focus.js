// Moves focus to the error summary of a form sent back with errors (the summary is also the
// first thing in the page and has autofocus, so this only helps browsers that ignore that).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }
}());
