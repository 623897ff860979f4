// Survey builder: shows only the fields of the chosen question type, the answers of the chosen
// earlier question, and adds/removes option rows, all without a reload. Every button works
// without this file too (the server sends the form back the same way).
(function () {
  "use strict";
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function showType(form) {
    var select = form.querySelector("[data-type-select]");
    if (!select) { return; }
    each(form.querySelectorAll(".type-fields"), function (box) {
      box.hidden = box.dataset.types.split(" ").indexOf(select.value) < 0;
    });
  }

  function showCondition(form) {
    var select = form.querySelector("[data-condition-select]");
    if (!select) { return; }
    each(form.querySelectorAll(".condition-values"), function (box) {
      var on = box.dataset.forQuestion === select.value;
      box.hidden = !on;
      each(box.querySelectorAll("input"), function (input) { input.disabled = !on; });
    });
  }

  function renumber(table, list) {
    each(table.querySelectorAll("tbody tr"), function (row, i) {
      each(row.querySelectorAll("input"), function (input) {
        var part = input.name.split("-").pop();
        input.name = list + "-" + i + "-" + part;
        input.id = input.id.replace(/-\d+-([a-z]+)$/, "-" + i + "-$1");
      });
      var remove = row.querySelector(".remove-row");
      if (remove) { remove.value = "remove_row:" + list + ":" + i; }
    });
  }

  function addRow(box) {
    var table = box.querySelector("table");
    var rows = table.querySelectorAll("tbody tr");
    var copy = rows[rows.length - 1].cloneNode(true);
    each(copy.querySelectorAll("input"), function (input) { input.value = ""; });
    table.querySelector("tbody").appendChild(copy);
    renumber(table, box.dataset.list);
    copy.querySelector("input").focus();
  }

  function removeRow(box, button) {
    var table = box.querySelector("table");
    var row = button.closest("tr");
    if (table.querySelectorAll("tbody tr").length > 1) {
      row.parentNode.removeChild(row);
    } else {
      each(row.querySelectorAll("input"), function (input) { input.value = ""; });
    }
    renumber(table, box.dataset.list);
    var first = table.querySelector("tbody input");
    if (first) { first.focus(); }
  }

  each(document.querySelectorAll("[data-question-form]"), function (form) {
    each(form.querySelectorAll(".js-hidden"), function (el) { el.hidden = true; });
    var type = form.querySelector("[data-type-select]");
    if (type) { type.addEventListener("change", function () { showType(form); }); }
    var cond = form.querySelector("[data-condition-select]");
    if (cond) { cond.addEventListener("change", function () { showCondition(form); }); }
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var box = button.closest(".option-list");
      if (!box) { return; }
      if (button.classList.contains("add-row")) { event.preventDefault(); addRow(box); }
      if (button.classList.contains("remove-row")) { event.preventDefault(); removeRow(box, button); }
    });
  });
}());
