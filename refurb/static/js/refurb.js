// Scan box: a USB scanner types the tag then Enter. Answer without leaving the page when the
// tag is unknown, so nothing typed elsewhere on the page is lost and the next scan can follow.
(function () {
  "use strict";
  function setupScanBox(form) {
    var input = form.querySelector("input[name=q]");
    var output = form.querySelector("output");
    var pageHasOwnFocus = document.querySelector("main [autofocus]");
    if (form.dataset.autofocus === "true" && !pageHasOwnFocus) {
      input.focus();
    }
    form.addEventListener("submit", function (event) {
      var text = input.value.trim();
      if (!text || !window.fetch) { return; }
      event.preventDefault();
      output.textContent = "";
      var url = form.action + "?format=json&q=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json().then(function (body) { return body; }); })
        .then(function (body) {
          if (body.url) {
            window.location.assign(body.url);
            return;
          }
          output.textContent = body.message || "";
          output.classList.add("is-error");
          input.focus();
          input.select();
        })
        .catch(function () { form.submit(); });
    });
  }
  // Camera scanning, for a workshop without USB scanners or a phone in the stockroom: a button
  // beside every field that takes a scanned label, shown only where a camera can be used.
  var SCANNED_FIELDS = "form[data-scan-box] input[name=q], form[data-batch-scan] input[name=code], " +
    "form[data-wiping-station] input[name=tag], input[data-scannable]";
  var CAMERA_WORDS = {
    fr: { button: "Caméra", label: "Scanner avec la caméra" },
    en: { button: "Camera", label: "Scan with the camera" }
  };
  var staticRoot = (document.currentScript && document.currentScript.src || "")
    .replace(/js\/refurb\.js.*$/, "");

  function loadScript(path) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = staticRoot + path;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadCamera() {
    if (window.RefurbCamera) { return Promise.resolve(window.RefurbCamera); }
    // Without the decoder the camera window still opens and says it cannot read labels.
    var decoder = "BarcodeDetector" in window ? Promise.resolve() :
      loadScript("vendor/zxing-library/zxing-library.min.js").catch(function () {});
    return decoder.then(function () { return loadScript("js/camera_scan.js"); })
      .then(function () { return window.RefurbCamera; });
  }

  function addCameraButtons() {
    var media = navigator.mediaDevices;
    if (!window.isSecureContext || !media || !media.getUserMedia || !media.enumerateDevices) {
      return;
    }
    media.enumerateDevices().then(function (devices) {
      if (!devices.some(function (d) { return d.kind === "videoinput"; })) { return; }
      var words = CAMERA_WORDS[(document.documentElement.lang || "fr").slice(0, 2)] ||
        CAMERA_WORDS.fr;
      document.querySelectorAll(SCANNED_FIELDS).forEach(function (input) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "camera-scan";
        button.textContent = words.button;
        button.setAttribute("aria-label", words.label);
        button.addEventListener("click", function () {
          loadCamera().then(function (camera) { camera.open(input); });
        });
        input.insertAdjacentElement("afterend", button);
      });
    }).catch(function () { /* no camera: the button stays hidden */ });
  }

  // The scan box answered a device's page (/scan?q=TAG): the address bar shows the page's own
  // address, and the box is empty for the next scan.
  function showCanonicalAddress() {
    var page = document.querySelector("[data-canonical-url]");
    if (!page) { return; }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(window.history.state, "", page.dataset.canonicalUrl);
    }
    document.querySelectorAll("form[data-scan-box] input[name=q]").forEach(function (input) {
      input.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCanonicalAddress();
    document.querySelectorAll("form[data-scan-box]").forEach(setupScanBox);
    addCameraButtons();
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
