// Refreshes a job page's progress bar from its JSON status (the page works without this).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var bar = document.getElementById("job-progress");
  function show(id, value) { document.getElementById(id).textContent = String(value); }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 5000); return; }
        var handled = job.done + job.failed;
        bar.max = job.total || 1;
        bar.value = handled;
        bar.textContent = job.percent + " %";
        show("job-handled", handled);
        show("job-total", job.total);
        show("job-percent", job.percent);
        show("job-failed", job.failed);
        if (job.finished) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
}());
