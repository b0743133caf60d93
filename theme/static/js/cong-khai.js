/* List of judgment debtors (bantin_congkhai): filter the rows by name as it is typed, with or
   without Vietnamese accents, d for đ. The list reads fully without this file. Each row
   carries its name folded at build time by the site's one folding function
   (plugins/bantin_search/folding.py, data-bt-name); here only the typed text is folded, the
   same way (tests/test_congkhai_browser.py compares the two). */
(function () {
  "use strict";

  var box = document.querySelector("[data-bt-filter]");
  if (!box || !String.prototype.normalize) return;
  var input = box.querySelector("input");
  var status = box.querySelector("[data-bt-filter-status]");
  var rows = document.querySelectorAll("[data-bt-name]");
  var groups = document.querySelectorAll("[data-bt-group]");

  function fold(text) {
    return text
      .replace(/[đĐ]/g, "d")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .normalize("NFC")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function apply() {
    var query = fold(input.value);
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var match = !query || row.getAttribute("data-bt-name").indexOf(query) >= 0;
      row.hidden = !match;
      if (match) shown += 1;
    });
    Array.prototype.forEach.call(groups, function (group) {
      group.hidden = !group.querySelector("[data-bt-name]:not([hidden])");
    });
    status.textContent = query ? status.getAttribute("data-msg").replace("%(count)s", shown) : "";
  }

  box.hidden = false;
  input.addEventListener("input", apply);
})();
