// Drafting a proposal: autosave through htmx. No inline scripts (CSP): the draft form carries
// data-autosave-url (where to post) and data-autosave-target (the id of the status line).
// A few seconds after typing stops, and at once on a change of a select, the form is posted; one
// request at a time, the latest text always follows. The first autosave of a new draft answers with
// the draft's own autosave and edit URLs, which replace the create URL from then on.
(function () {
  "use strict";

  var DELAY_MS = 3000;

  function wire(form) {
    if (form.dataset.autosaveWired) { return; }
    form.dataset.autosaveWired = "1";
    var status = document.getElementById(form.dataset.autosaveTarget);
    var timer = null;
    var busy = false;
    var dirty = false;

    function adopt() {
      var marker = status && status.querySelector("[data-new-autosave-url]");
      if (!marker) { return; }
      form.dataset.autosaveUrl = marker.dataset.newAutosaveUrl;
      form.setAttribute("action", marker.dataset.newEditUrl);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", marker.dataset.newEditUrl);
      }
      marker.remove();
    }

    function save() {
      timer = null;
      if (!dirty || !window.htmx) { return; }
      if (busy) { schedule(DELAY_MS); return; }
      busy = true;
      dirty = false;
      form.dataset.autosaving = "1";
      var done = function () {
        adopt();
        busy = false;
        delete form.dataset.autosaving;
        if (dirty) { schedule(DELAY_MS); }
      };
      window.htmx.ajax("POST", form.dataset.autosaveUrl, { source: form, target: status, swap: "innerHTML" })
        .then(done, function () { dirty = true; done(); });
    }

    function schedule(delay) {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, delay);
    }

    function failed() {
      if (status) { status.textContent = form.dataset.autosaveFailed || ""; }
      dirty = true;
    }

    // Only our own answer goes into the status line: not an error page, and not the login page an
    // expired session is redirected to (the text stays in the form; the next autosave tries again).
    form.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target !== status) { return; }
      var xhr = event.detail.xhr;
      var path = event.detail.requestConfig && event.detail.requestConfig.path;
      var redirected = xhr && xhr.responseURL && path && xhr.responseURL.indexOf(path) === -1;
      if (!xhr || xhr.status >= 300 || redirected) {
        event.detail.shouldSwap = false;
        failed();
      }
    });
    form.addEventListener("htmx:sendError", failed);

    form.addEventListener("input", function () { dirty = true; schedule(DELAY_MS); });
    form.addEventListener("change", function () { dirty = true; schedule(300); });
    // A normal save (the buttons) makes a pending autosave pointless.
    form.addEventListener("submit", function () { if (timer) { window.clearTimeout(timer); } dirty = false; });
  }

  function wireAll(root) {
    root.querySelectorAll("form[data-autosave-url]").forEach(wire);
  }

  if (document.readyState !== "loading") { wireAll(document); } else {
    document.addEventListener("DOMContentLoaded", function () { wireAll(document); });
  }
})();
