// Saves a draft form a few seconds after the last keystroke, so nothing typed is lost if the
// laptop sleeps or the connection drops. The server answers with the draft's new version, which
// goes back into the form; a save over someone else's is refused (409) and autosaving stops.
// A new record answers with its address too, and later saves go there.
(function () {
  "use strict";
  var DELAY = 4000;
  var RETRY = 15000;

  function start(form) {
    var status = form.querySelector(".autosave-status");
    var version = form.querySelector("input[name='version']");
    var timer = null;
    var inflight = null;
    var stopped = false;
    var submitting = false;

    function say(text) {
      if (status) { status.textContent = text; }
    }

    function save() {
      if (stopped || inflight) { return inflight; }
      inflight = fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        inflight = null;
        if (result.status === 200) {
          if (version) { version.value = result.body.version; }
          // The first save of a new record makes it: from then on the form saves to the record's own page.
          if (result.body.url && result.body.url !== window.location.pathname) {
            form.action = result.body.url;
            window.history.replaceState(null, "", result.body.url);
          }
          say(status.dataset.saved + " " + result.body.saved_at);
        } else if (result.status === 409) {
          stopped = true;
          say(result.body.error);
        } else {
          say(result.body.error || status.dataset.failed);
        }
      }).catch(function () {
        inflight = null;
        say(status.dataset.failed);
        schedule(RETRY);
      });
      return inflight;
    }

    function schedule(delay) {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, delay);
    }

    // Anything typed before this script ran (a slow connection) is saved too.
    function changedAlready() {
      return Array.prototype.some.call(form.elements, function (field) {
        if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
        if (field.tagName === "SELECT") {
          var options = Array.prototype.slice.call(field.options);
          var marked = options.some(function (option) { return option.defaultSelected; });
          if (!marked && !field.multiple) { return field.selectedIndex > 0; }  // the browser chose the first
          return options.some(function (option) { return option.selected !== option.defaultSelected; });
        }
        return "defaultValue" in field && field.type !== "hidden" && field.value !== field.defaultValue;
      });
    }
    if (changedAlready()) { schedule(DELAY); }

    form.addEventListener("input", function () { schedule(DELAY); });
    form.addEventListener("change", function () { schedule(DELAY); });
    // A save by hand waits for an automatic one in flight, so that it carries the newest version.
    form.addEventListener("submit", function (event) {
      if (timer) { window.clearTimeout(timer); }
      if (inflight && !submitting) {
        event.preventDefault();
        var submitter = event.submitter;
        inflight.then(function () {
          submitting = true;
          stopped = true;
          form.requestSubmit(submitter);
        });
        return;
      }
      stopped = true;
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(start);
}());
