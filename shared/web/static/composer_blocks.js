// The campaign composer's block buttons (add, move up, move down, remove) without a page
// reload: the form is posted as the plain buttons post it, with a header asking for the block
// list alone, which replaces the list on the page. Focus stays on the block that moved (or
// the new one, or the one that took a removed block's place), and an aria-live line says
// what happened. Without JavaScript, or when the request fails, the buttons submit the form.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  var list = document.getElementById("blocks");
  var status = document.getElementById("blocks-status");
  if (!form || !list || !status || !window.fetch || !window.URLSearchParams) { return; }

  function blocks() { return list.querySelectorAll(".composer-block"); }

  function say(template, n) {
    status.textContent = "";
    // A fresh text node each time, so screen readers announce a repeated message too.
    window.setTimeout(function () { status.textContent = template.replace("%(n)s", String(n)); }, 50);
  }

  function focusAfter(verb, index) {
    var found = blocks();
    var count = found.length;
    var target;
    if (verb === "add") {
      target = count - 1;
      say(status.dataset.added, count);
    } else if (verb === "remove") {
      target = Math.min(index, count - 1);
      say(status.dataset.removed, count);
    } else {
      target = verb === "up" ? index - 1 : index + 1;
      say(status.dataset.moved, target + 1);
    }
    if (target < 0 || target >= count) {
      var add = form.querySelector("button[data-verb='add']");
      if (add) { add.focus(); }
      return;
    }
    var block = found[target];
    // Moving again is one key press away: the same button, when the block still has it.
    var same = (verb === "up" || verb === "down") && block.querySelector("button[data-verb='" + verb + "']");
    (same || block).focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-verb]") : null;
    if (!button || !form.contains(button)) { return; }
    event.preventDefault();
    var verb = button.getAttribute("data-verb");
    var value = button.value;
    var index = parseInt(value.split(":")[1], 10);
    var body = new URLSearchParams(new FormData(form));
    body.set("action", value);
    list.setAttribute("aria-busy", "true");
    // The block list in the page's language, whatever the server would otherwise negotiate.
    var url = new URL(form.getAttribute("action"), window.location.href);
    if (!url.searchParams.has("lang") && document.documentElement.lang) {
      url.searchParams.set("lang", document.documentElement.lang);
    }
    fetch(url.toString(), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Composer-Fragment": "blocks"
      },
      body: body.toString()
    })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.text();
      })
      .then(function (html) {
        list.innerHTML = html;
        list.removeAttribute("aria-busy");
        list.setAttribute("data-count", String(blocks().length));
        focusAfter(verb, isNaN(index) ? 0 : index);
      })
      .catch(function () {
        // The page without JavaScript does the same with a reload.
        list.removeAttribute("aria-busy");
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "action";
        hidden.value = value;
        form.appendChild(hidden);
        HTMLFormElement.prototype.submit.call(form);
      });
  });
}());
