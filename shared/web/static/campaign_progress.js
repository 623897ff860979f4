// Updates a campaign's send progress from its JSON endpoint (the page works without this:
// a <noscript> meta refresh and a Refresh link).
(function () {
  "use strict";
  var box = document.getElementById("send-progress");
  if (!box || box.dataset.done === "true") { return; }
  var bar = document.getElementById("send-bar");
  var number = new Intl.NumberFormat(document.documentElement.lang || "fi");
  function show(id, value) { document.getElementById(id).textContent = value; }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { setTimeout(poll, 5000); return; }
        bar.max = p.total || 1;
        bar.value = p.total - p.remaining;
        bar.textContent = p.percent + " %";
        show("p-sent", number.format(p.sent));
        show("p-failed", number.format(p.failed));
        show("p-remaining", number.format(p.remaining));
        show("p-rate", number.format(p.rate_per_min));
        show("p-eta", p.eta);
        if (p.done) { document.getElementById("p-done").hidden = false; } else { setTimeout(poll, 2000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
}());
