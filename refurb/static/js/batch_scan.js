// Batch scan: a keyboard-wedge scanner types a tag then Enter. Each scan is posted at once and
// answered in place (done or refused, with the reason); the field is cleared and keeps the
// focus so the next tag can follow before the answer arrives. Scans are sent one after
// another, in the order they were read. Without JavaScript the forms post normally and the
// page comes back with the focus in the scan field.
(function () {
  "use strict";
  var script = document.currentScript;

  function beep(ok) {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      beep.ctx = beep.ctx || new Context();
      var osc = beep.ctx.createOscillator();
      var gain = beep.ctx.createGain();
      osc.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.05;
      osc.connect(gain);
      gain.connect(beep.ctx.destination);
      osc.start();
      osc.stop(beep.ctx.currentTime + (ok ? 0.08 : 0.3));
    } catch (error) { /* sound is a nicety */ }
  }

  function setup(form) {
    var input = form.querySelector("input[name=code]");
    var feedback = document.getElementById("scan-feedback");
    var list = document.getElementById("batch-results");
    var summary = document.getElementById("batch-summary");
    var target = document.getElementById("batch-target");
    var undoForm = document.querySelector("form[data-batch-undo]");
    var undoneLabel = (script && script.dataset.undoneLabel) || "undone";
    var offline = (script && script.dataset.offlineMessage) || "Offline";
    var summaryTemplate = script && script.dataset.summaryTemplate;
    var queue = Promise.resolve();

    function post(url, body) {
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return data; });
      });
    }

    function say(text, ok) {
      feedback.textContent = text;
      feedback.className = ok ? "feedback-ok" : "feedback-refused";
    }

    function itemNode(item) {
      var li = document.createElement("li");
      li.dataset.itemId = item.id;
      li.className = item.ok ? "feedback-ok" : "feedback-refused";
      var code = document.createElement("code");
      code.textContent = item.scanned;
      li.appendChild(code);
      li.appendChild(document.createTextNode(" — " + item.message));
      return li;
    }

    function markUndone(item) {
      var li = list.querySelector("li[data-item-id='" + item.id + "']");
      if (!li) { return; }
      li.classList.add("is-undone");
      var em = document.createElement("em");
      em.textContent = " (" + undoneLabel + " : " + item.undo_message + ")";
      li.appendChild(em);
    }

    function update(data) {
      if (data.summary && summary && summaryTemplate) {
        summary.textContent = summaryTemplate.replace("{done}", data.summary.done)
          .replace("{refused}", data.summary.refused).replace("{undone}", data.summary.undone);
      }
      if (target && data.target) { target.textContent = data.target; }
    }

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }
      event.preventDefault();
      if (!input.value.trim()) { input.focus(); return; }
      var body = new FormData(form);
      input.value = "";
      input.focus();
      queue = queue.then(function () {
        return post(form.action, body).then(function (data) {
          if (data.error) { say(data.error, false); beep(false); return; }
          (data.items || []).forEach(function (item) {
            list.insertBefore(itemNode(item), list.firstChild);
            say(item.scanned + " — " + item.message, item.ok);
            beep(item.ok);
          });
          update(data);
        }).catch(function () { say(offline, false); beep(false); });
      });
    });

    if (undoForm) {
      undoForm.addEventListener("submit", function (event) {
        if (!window.fetch || !window.FormData) { return; }
        event.preventDefault();
        var body = new FormData(undoForm);
        queue = queue.then(function () {
          return post(undoForm.action, body).then(function (data) {
            if (data.error) { say(data.error, false); beep(false); return; }
            (data.items || []).forEach(function (item) {
              markUndone(item);
              say(item.undo_message, true);
            });
            update(data);
          }).catch(function () { say(offline, false); });
        }).then(function () { input.focus(); });
      });
    }
    input.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-batch-scan]").forEach(setup);
  });
})();
