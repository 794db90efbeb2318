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
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-scan-box]").forEach(setupScanBox);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
