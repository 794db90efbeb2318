// Job progress: polls the job's JSON once a second and updates the bar, the count, the elapsed
// time and the current step; when the job ends, the page is reloaded to show its result.
// Without JavaScript the page shows the state it was loaded with (reload to follow).
(function () {
  "use strict";

  function setText(box, selector, text) {
    var node = box.querySelector(selector);
    if (node) { node.textContent = text; }
  }

  function follow(box) {
    var url = box.getAttribute("data-job-url");
    var bar = box.querySelector("[data-job-bar]");
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { window.setTimeout(poll, 5000); return; }
          if (bar) { bar.value = job.percent; bar.textContent = job.percent + " %"; }
          setText(box, "[data-job-percent]", job.percent + " %");
          setText(box, "[data-job-state]", job.state_label);
          setText(box, "[data-job-count]", job.done + " / " + job.total);
          setText(box, "[data-job-elapsed]", job.elapsed);
          setText(box, "[data-job-step]", job.step);
          if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) { return; }
    Array.prototype.forEach.call(
      document.querySelectorAll("[data-job][data-job-finished=false]"), follow);
  });
}());
