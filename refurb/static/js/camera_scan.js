// Camera scanning: the phone or webcam reads the label and the field is submitted as if a USB
// scanner had typed it. Loaded on demand by refurb.js when a camera button is pressed. Uses
// the browser's BarcodeDetector when it reads Code 128, else the bundled ZXing decoder.
// iOS Safari needs playsinline + muted to show the video inside the page.
(function () {
  "use strict";
  var WORDS = {
    fr: { aim: "Visez le code-barres de l’étiquette.", close: "Fermer",
          denied: "Caméra refusée ou indisponible : autorisez-la dans le navigateur, ou scannez à la douchette.",
          title: "Scanner avec la caméra" },
    en: { aim: "Point the camera at the label’s barcode.", close: "Close",
          denied: "Camera refused or unavailable: allow it in the browser, or use the scanner.",
          title: "Scan with the camera" }
  };
  var INTERVAL_MS = 150;

  function words() {
    return WORDS[(document.documentElement.lang || "fr").slice(0, 2)] || WORDS.fr;
  }

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("code_128") < 0) { return null; }
      var detector = new window.BarcodeDetector({ formats: ["code_128", "qr_code"] });
      return function (video) {
        return detector.detect(video).then(function (found) {
          // A label carries both: the Code 128 is the tag itself, the QR code a link.
          var bars = found.filter(function (b) { return b.format === "code_128"; });
          var pick = bars[0] || found[0];
          return pick ? pick.rawValue : null;
        });
      };
    }).catch(function () { return null; });
  }

  function zxingReader(format) {
    var Z = window.ZXing;
    var hints = new Map();
    hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [format]);
    hints.set(Z.DecodeHintType.TRY_HARDER, true);
    var reader = new Z.MultiFormatReader();
    reader.setHints(hints);
    return reader;
  }

  function zxingDetector() {
    var Z = window.ZXing;
    if (!Z) { return null; }
    var readers = [zxingReader(Z.BarcodeFormat.CODE_128), zxingReader(Z.BarcodeFormat.QR_CODE)];
    var canvas = document.createElement("canvas");
    return function (video) {
      if (!video.videoWidth) { return Promise.resolve(null); }
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d", { willReadFrequently: true }).drawImage(video, 0, 0);
      var bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(
        new Z.HTMLCanvasElementLuminanceSource(canvas)));
      for (var i = 0; i < readers.length; i += 1) {
        try {
          return Promise.resolve(readers[i].decode(bitmap).getText());
        } catch (notFound) { /* nothing readable in this frame yet */ }
      }
      return Promise.resolve(null);
    };
  }

  function submitLikeAScanner(input, text) {
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    var form = input.form;
    if (!form) { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function open(input) {
    var w = words();
    var dialog = document.createElement("dialog");
    dialog.className = "camera-dialog";
    dialog.setAttribute("aria-label", w.title);
    var video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.setAttribute("muted", "");
    video.setAttribute("autoplay", "");
    video.muted = true;
    var status = document.createElement("p");
    status.setAttribute("aria-live", "polite");
    status.textContent = w.aim;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = w.close;
    dialog.appendChild(video);
    dialog.appendChild(status);
    dialog.appendChild(close);
    document.body.appendChild(dialog);
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }

    var stream = null;
    var finished = false;
    function stop() {
      finished = true;
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      if (dialog.open && dialog.close) { dialog.close(); }
      dialog.remove();
    }
    close.addEventListener("click", function () { stop(); input.focus(); });
    dialog.addEventListener("cancel", function () { stop(); });

    var constraints = { audio: false, video: { facingMode: { ideal: "environment" },
                                                width: { ideal: 1280 }, height: { ideal: 720 } } };
    navigator.mediaDevices.getUserMedia(constraints).then(function (media) {
      stream = media;
      if (finished) { stop(); return null; }
      video.srcObject = media;
      return video.play().then(nativeDetector);
    }).then(function (detect) {
      if (finished) { return; }
      detect = detect || zxingDetector();
      if (!detect) { status.textContent = w.denied; return; }
      (function tick() {
        if (finished) { return; }
        detect(video).then(function (text) {
          if (finished) { return; }
          if (text) {
            stop();
            submitLikeAScanner(input, text);
          } else {
            window.setTimeout(tick, INTERVAL_MS);
          }
        }, function () { window.setTimeout(tick, INTERVAL_MS); });
      })();
    }).catch(function () {
      status.textContent = w.denied;
    });
  }

  window.RefurbCamera = { open: open };
})();
