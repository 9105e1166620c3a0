// Behaviour shared by every page. No inline scripts anywhere (CSP): pages mark elements with
// data-* attributes and this file wires them up.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function wire(root) {
    // <select data-autosubmit> submits its form when changed.
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("change", function () { el.form && el.form.submit(); });
    });
    // <button data-confirm="..."> asks before submitting.
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.dataset.confirm)) { event.preventDefault(); }
      });
    });
    // Forms with data-once disable their submit buttons after the first submit (double clicks).
    root.querySelectorAll("form[data-once]").forEach(function (form) {
      if (form.dataset.wired) { return; }
      form.dataset.wired = "1";
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      });
    });
    // Charts: <script type="application/json" id="X"> + <div class="echart" data-chart-source="X">.
    if (window.echarts) {
      root.querySelectorAll(".echart[data-chart-source]").forEach(function (el) {
        if (el.dataset.wired) { return; }
        var source = document.getElementById(el.dataset.chartSource);
        if (!source) { return; }
        el.dataset.wired = "1";
        var chart = window.echarts.init(el, null, { renderer: "svg" });
        chart.setOption(JSON.parse(source.textContent));
        window.addEventListener("resize", function () { chart.resize(); });
      });
    }
    // A chart's data table (<details data-print-open>) prints open, as the chart itself does not print.
    if (!document.documentElement.dataset.printWired) {
      document.documentElement.dataset.printWired = "1";
      window.addEventListener("beforeprint", function () {
        document.querySelectorAll("details[data-print-open]:not([open])").forEach(function (d) {
          d.open = true;
          d.dataset.openedForPrint = "1";
        });
      });
      window.addEventListener("afterprint", function () {
        document.querySelectorAll("details[data-opened-for-print]").forEach(function (d) {
          d.open = false;
          delete d.dataset.openedForPrint;
        });
      });
    }
    // Local draft safety: textareas/inputs inside form[data-draft-key] are mirrored to
    // localStorage, restored when the form is empty, and cleared after a successful save.
    root.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      if (form.dataset.wired) { return; }
      form.dataset.wired = "1";
      var key = "draft:" + form.dataset.draftKey;
      var fields = form.querySelectorAll("input[type=text], textarea");
      var saved = null;
      try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved) {
        var restored = false;
        fields.forEach(function (f) {
          if (!f.value && saved[f.name]) { f.value = saved[f.name]; restored = true; }
        });
        if (restored) {
          var note = form.querySelector("[data-draft-restored]");
          if (note) { note.hidden = false; }
        }
      }
      var store = function () {
        var data = {};
        fields.forEach(function (f) { data[f.name] = f.value; });
        try { window.localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full */ }
      };
      fields.forEach(function (f) { f.addEventListener("input", store); });
    });
    // Regions wider than the screen (tables, the members sub-tabs): reachable with the keyboard
    // (Tab, then the arrow keys) and, while more lies to the right, a fading edge as a scroll hint.
    root.querySelectorAll(".table-responsive, .overflow-auto, [data-scroll-hint]").forEach(function (el) {
      if (el.dataset.scrollWired) { return; }
      el.dataset.scrollWired = "1";
      var update = function () {
        var wide = el.scrollWidth > el.clientWidth + 1;
        if (wide && !el.hasAttribute("tabindex") && !el.querySelector("a, button, input, select, textarea")) {
          el.tabIndex = 0;
        }
        el.classList.toggle("scroll-hint-end", wide && el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
      };
      update();
      el.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
    });
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      try { window.localStorage.removeItem("draft:" + el.dataset.clearDraft); } catch (e) { /* ignore */ }
    });
  }

  onReady(function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target); });
})();
