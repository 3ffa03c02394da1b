// The care plan's PDF is made by a worker: while it is queued or rendering, ask its state every
// two seconds and show the download button when it is ready, without reloading the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-pdf-status]");
  if (!box) { return; }
  var label = box.querySelector("[data-pdf-label]");
  var download = box.querySelector("[data-pdf-download]");
  var spinner = box.querySelector(".spinner-border");
  var waiting = { queued: true, rendering: true };
  var tries = 0;

  function show(state) {
    box.setAttribute("data-pdf-state", state.status);
    if (state.label) { label.textContent = state.label; }
    if (state.status === "ready" && state.download) {
      download.href = state.download;
      download.classList.remove("d-none");
    }
    if (!waiting[state.status] && spinner) { spinner.remove(); spinner = null; }
  }

  function poll() {
    if (!waiting[box.getAttribute("data-pdf-state")] || tries > 150) { return; }
    tries += 1;
    fetch(box.getAttribute("data-pdf-status"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state) { show(state); }
        if (!state || state.status === "failed") {
          if (state && state.status === "failed") { window.location.reload(); return; }
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
