// Finger (or pen, or mouse) signatures on a tablet, with the vendored signature_pad 5.
//
// Markup, inside a <form>:
//   <div class="signature-field" data-signature>
//     <canvas class="signature-pad" role="img" aria-label="…"></canvas>
//     <button type="button" class="btn btn-outline-secondary" data-signature-clear>Clear</button>
//     <input type="hidden" name="signature_svg">
//     <input type="hidden" name="signature_png">
//   </div>
// Submitting the form with <button name="action" value="sign"> fills the hidden inputs with
// pad.toSVG() and pad.toDataURL("image/png"); any other submit button (decline, save …) sends them
// empty. Buttons of the form marked data-requires-signature stay disabled while a pad is empty.
// Needs static/vendor/signature_pad/signature_pad.umd.min.js loaded first (window.SignaturePad).
(function () {
  "use strict";

  function ratio() {
    // The same ratio signature_pad's toSVG() divides by, so the SVG's size is the pad's CSS size.
    return Math.max(window.devicePixelRatio || 1, 1);
  }

  function Field(element) {
    this.element = element;
    this.canvas = element.querySelector("canvas");
    this.svgInput = element.querySelector("input[name='signature_svg']");
    this.pngInput = element.querySelector("input[name='signature_png']");
    this.form = (this.svgInput && this.svgInput.form) || element.closest("form");
    this.pad = new window.SignaturePad(this.canvas, { penColor: "black", minWidth: 0.75, maxWidth: 2.75 });
    this.size = "";
  }

  // Matches the canvas's pixels to its CSS box (sharp on high-density screens) and draws the strokes
  // again: setting a canvas's width or height wipes it.
  Field.prototype.resize = function () {
    var width = this.canvas.offsetWidth;
    var height = this.canvas.offsetHeight;
    var r = ratio();
    var size = width + "x" + height + "@" + r;
    if (!width || !height || size === this.size) { return; }  // hidden, or nothing changed
    this.size = size;
    var strokes = this.pad.toData();
    this.canvas.width = Math.round(width * r);
    this.canvas.height = Math.round(height * r);
    this.canvas.getContext("2d").scale(r, r);
    this.pad.fromData(strokes);
  };

  Field.prototype.hasInk = function () {
    return !this.pad.isEmpty();
  };

  Field.prototype.fill = function (signing) {
    if (this.svgInput) { this.svgInput.value = signing && this.hasInk() ? this.pad.toSVG() : ""; }
    if (this.pngInput) { this.pngInput.value = signing && this.hasInk() ? this.pad.toDataURL("image/png") : ""; }
  };

  function isSign(button) {
    return !!button && button.name === "action" && button.value === "sign";
  }

  function setUpForm(form, fields) {
    var lastClicked = null;

    function update() {
      var ready = fields.every(function (field) { return field.hasInk(); });
      Array.prototype.forEach.call(form.elements, function (control) {
        if (control.hasAttribute("data-requires-signature")) { control.disabled = !ready; }
      });
    }

    fields.forEach(function (field) {
      field.pad.addEventListener("endStroke", update);
      var clear = field.element.querySelector("[data-signature-clear]");
      if (clear) {
        clear.addEventListener("click", function () {
          field.pad.clear();
          field.fill(false);
          update();
        });
      }
    });

    // For browsers without SubmitEvent.submitter: remember the submit button last pressed.
    form.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button, input[type='submit']");
      if (button && button.form === form && (button.type === "submit" || button.type === "image")) {
        lastClicked = button;
      }
    }, true);

    // Capturing, so the inputs are filled before any other submit handler (htmx's too) reads the form.
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter !== undefined ? event.submitter : lastClicked;
      var signing = isSign(submitter);
      fields.forEach(function (field) { field.fill(signing); });
      lastClicked = null;
    }, true);

    update();
  }

  function start() {
    if (typeof window.SignaturePad !== "function") { return; }
    var elements = document.querySelectorAll("[data-signature]");
    if (!elements.length) { return; }
    var fields = [];
    var byForm = new Map();
    Array.prototype.forEach.call(elements, function (element) {
      if (element.dataset.signatureReady || !element.querySelector("canvas")) { return; }
      element.dataset.signatureReady = "1";
      var field = new Field(element);
      field.resize();
      fields.push(field);
      if (field.form) {
        if (!byForm.has(field.form)) { byForm.set(field.form, []); }
        byForm.get(field.form).push(field);
      }
    });
    byForm.forEach(function (formFields, form) { setUpForm(form, formFields); });

    var pending = false;
    function resizeAll() {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fields.forEach(function (field) { field.resize(); });
      });
    }
    window.addEventListener("resize", resizeAll);
    window.addEventListener("orientationchange", resizeAll);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(resizeAll);
      fields.forEach(function (field) { observer.observe(field.canvas); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
