// Live character counter for opinion reports: counts the textareas marked data-count="1" the way the
// office counts (every character except whitespace) and shows "n of max" in #char-counter.
(function () {
  "use strict";

  function count(text) { return text.replace(/\s/g, "").length; }

  function wire() {
    var counter = document.getElementById("char-counter");
    if (!counter) { return; }
    var max = parseInt(counter.dataset.max, 10);
    var fields = document.querySelectorAll("textarea[data-count]");
    function update() {
      var total = 0;
      fields.forEach(function (f) { total += count(f.value); });
      counter.textContent = counter.dataset.template.replace("{count}", String(total));
      counter.classList.toggle("text-danger", total > max);
      counter.dataset.count = String(total);
    }
    fields.forEach(function (f) { f.addEventListener("input", update); });
    update();
  }

  if (document.readyState !== "loading") { wire(); } else { document.addEventListener("DOMContentLoaded", wire); }
})();
