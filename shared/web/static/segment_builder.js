// The segment builder's live count (the page works without this: its "Count" button posts the
// same form). As the rule changes, the form is posted as "Count" (debounced) and the count, the
// sample, the problems and the JSON are taken from the page that comes back; the builder itself
// is swapped only when its controls change (another field, operator, part or problem), keeping
// the focus on the control of the same id.
(function () {
  "use strict";
  var form = document.getElementById("segment-form");
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }
  var timer = null;
  var edits = 0;
  var jsonEdited = false;

  function byId(doc, id) { return doc.getElementById(id); }

  function swap(doc, id) {
    var fresh = byId(doc, id);
    var old = byId(document, id);
    // Unchanged parts stay, so an alert or a live region is not announced again.
    if (fresh && old && fresh.innerHTML !== old.innerHTML) {
      old.replaceWith(document.importNode(fresh, true));
    }
  }

  function swapBuilder(doc, force) {
    var fresh = byId(doc, "builder");
    var old = byId(document, "builder");
    if (!fresh || !old || (!force && fresh.dataset.shape === old.dataset.shape)) { return; }
    var focused = document.activeElement && old.contains(document.activeElement)
      ? document.activeElement.id : "";
    old.replaceWith(document.importNode(fresh, true));
    var again = focused && byId(document, focused);
    if (again) { again.focus(); }
  }

  function apply(doc, fromJson) {
    var status = byId(doc, "preview-status");
    var live = byId(document, "preview-status");
    if (status && status.textContent !== live.textContent) {
      // the live region stays; its content changes (and is announced)
      var nodes = Array.prototype.map.call(status.childNodes, function (n) {
        return document.importNode(n, true);
      });
      live.replaceChildren.apply(live, nodes);
    }
    swap(doc, "preview-details");
    swap(doc, "rule-problem");
    swap(doc, "problems");
    var rule = byId(document, "rule");
    var freshRule = byId(doc, "rule");
    if (freshRule && document.activeElement !== rule) { rule.value = freshRule.value; }
    var shown = byId(doc, "rule-shown");
    if (shown) { byId(document, "rule-shown").value = shown.value; }
    var mode = doc.querySelector("input[name=mode]");
    if (mode) { form.querySelector("input[name=mode]").value = mode.value; }
    swapBuilder(doc, fromJson);
  }

  function send() {
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "count");
    var seen = edits;
    var fromJson = jsonEdited;
    jsonEdited = false;
    fetch(form.getAttribute("action"), { // not form.action: the buttons are named "action"
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "text/html" }
    })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (seen !== edits) { return; } // a newer change is on its way
        apply(new DOMParser().parseFromString(html, "text/html"), fromJson);
      })
      .catch(function () { /* the Count button still works */ });
  }

  function changed(event) {
    var target = event.target;
    if (!target.closest || !target.closest("#builder, #rule-details")) { return; }
    if (target.id === "rule") { jsonEdited = true; }
    edits += 1;
    clearTimeout(timer);
    timer = setTimeout(send, 400);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
}());
