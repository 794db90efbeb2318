// Wiping station: the method is chosen once, then a keyboard-wedge scanner types each tag and
// Enter. Every scan is sent without leaving the page; the answer is listed at the top and the
// tag field is emptied and focused again for the next scan. Without JavaScript the form posts
// normally and the page comes back with the same method selected.
(function () {
  "use strict";

  // The time comes from the server, in the workshop's time zone (the browser's clock and
  // zone may be anything).
  function addLine(log, ok, text, reasons, time) {
    var item = document.createElement("li");
    item.className = ok ? "feedback-ok" : "feedback-refused";
    item.textContent = (time ? time + " — " : "") + text;
    if (reasons && reasons.length) {
      var list = document.createElement("ul");
      reasons.forEach(function (reason) {
        var li = document.createElement("li");
        li.textContent = reason;
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    log.insertBefore(item, log.firstChild);
  }

  function setup(form) {
    var tag = form.querySelector("input[name=tag]");
    var log = document.querySelector("[data-station-log]");
    // Scans are sent one after another, in order, even when the scanner is faster than the
    // server: nothing typed is lost.
    var queue = Promise.resolve();
    if (!tag || !log || !window.fetch || !window.FormData || !window.Promise) { return; }
    tag.focus();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = tag.value.trim();
      if (!text) { return; }
      var data = new FormData(form);
      tag.value = "";
      tag.focus();
      queue = queue.then(function () {
        return fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        })
          .then(function (response) { return response.json(); })
          .then(function (body) {
            addLine(log, !!body.ok, body.message || body.error || text, body.reasons,
                    body.time);
          })
          .catch(function () {
            addLine(log, false, text + " : pas de réponse du serveur, scannez à nouveau.");
          });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-wiping-station]").forEach(setup);
  });
})();
