/* Bantin: small enhancements. Every page reads fully without this file; it only adds the
   A- A A+ text size control, the "Các tin đã đưa ngày" day picker, print and copy buttons. */
(function () {
  "use strict";

  var root = document.documentElement;
  var SIZES = [87.5, 100, 112.5, 125, 150];
  var SIZE_KEY = "bantin-co-chu";

  function storedSize() {
    try {
      var size = parseFloat(window.localStorage.getItem(SIZE_KEY));
      return SIZES.indexOf(size) >= 0 ? size : 100;
    } catch (error) {
      return 100; // storage blocked (private mode, policy): the default size
    }
  }

  function applySize(size) {
    root.style.fontSize = size === 100 ? "" : size + "%";
  }

  // Deferred scripts run before the first full render on most pages: little or no flash.
  applySize(storedSize());

  function setupTextSize(group) {
    var output = group.querySelector("output");
    var current = storedSize();
    function show() {
      output.textContent = String(current).replace(".", ",") + "%";
    }
    show();
    group.hidden = false;
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-step]");
      if (!button) return;
      var step = Number(button.getAttribute("data-step"));
      var index = SIZES.indexOf(current) + step;
      current = step === 0 ? 100 : SIZES[Math.min(SIZES.length - 1, Math.max(0, index))];
      applySize(current);
      show();
      try {
        window.localStorage.setItem(SIZE_KEY, String(current));
      } catch (error) {
        /* not remembered, still applied */
      }
    });
  }

  function fill(pattern, year, month) {
    return pattern.replace("{date:%Y}", year).replace("{date:%m}", month);
  }

  function setupDayPicker(form) {
    var section = form.parentNode;
    var message = section.querySelector(".bt-daypicker__message");
    var days = null;
    function newsDays() {
      // Fetched once, on the first search: pages that never use the picker never load it.
      // {"2021-03-19": "2021/03/#ngay-19", …}: each day with news → its month page and heading.
      if (!days) {
        days = fetch(form.getAttribute("data-days"))
          .then(function (response) {
            return response.ok ? response.json() : null;
          })
          .catch(function () {
            return null;
          });
      }
      return days;
    }
    form.addEventListener("submit", function (event) {
      var value = form.elements.ngay.value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return; // the browser's own checks apply
      event.preventDefault();
      var parts = value.split("-");
      var month = fill(form.getAttribute("data-month-url"), parts[0], parts[1]);
      message.textContent = "";
      newsDays().then(function (map) {
        if (!map) {
          // No map to check against: the month page, at the day's heading if it has one.
          window.location.href = month + "#ngay-" + parts[2];
          return;
        }
        if (Object.prototype.hasOwnProperty.call(map, value)) {
          window.location.href = form.getAttribute("data-site") + map[value];
          return;
        }
        var day = parts[2] + "/" + parts[1] + "/" + parts[0];
        message.textContent = message.getAttribute("data-empty").replace("{day}", day) + " ";
        var sameMonth = Object.keys(map).some(function (d) {
          return d.slice(0, 7) === value.slice(0, 7);
        });
        if (sameMonth) {
          var link = document.createElement("a");
          link.href = month;
          link.textContent = message.getAttribute("data-month");
          message.appendChild(link);
        }
      });
    });
  }

  function setupPrint(item) {
    item.hidden = false;
    item.querySelector("button").addEventListener("click", function () {
      window.print();
    });
  }

  function setupCopy(button) {
    var input = document.getElementById(button.getAttribute("data-bt-copy"));
    var status = button.closest(".bt-share__copy").querySelector("[role=status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        status.textContent = button.getAttribute("data-done");
      }
      function fallback() {
        // Older browsers, or a clipboard the page may not write: the selected text is copied.
        input.select();
        if (document.execCommand("copy")) done();
      }
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  function each(selector, setup) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), setup);
  }

  each("[data-bt-textsize]", setupTextSize);
  each("[data-bt-daypicker]", setupDayPicker);
  each("[data-bt-print]", setupPrint);
  each("[data-bt-copy]", setupCopy);
})();
