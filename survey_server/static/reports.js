// Reports page: while a report is queued or running, show its progress without reloading;
// reload once it has finished so its links (or its error) appear. Without JavaScript the
// page still works: reloading it shows the same state.
(function () {
  var section = document.getElementById("runs");
  if (!section) return;
  var url = section.getAttribute("data-progress-url");
  function active() {
    return section.querySelectorAll('[data-status="queued"], [data-status="running"]');
  }
  if (!active().length) return;
  function update() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        var finished = false;
        body.jobs.forEach(function (job) {
          var card = document.getElementById("run-" + job.run_id);
          if (!card) return;
          var shown = card.getAttribute("data-status");
          if ((shown === "queued" || shown === "running") && job.status !== shown &&
              (job.status === "succeeded" || job.status === "failed")) finished = true;
          var percent = Math.round(job.progress * 100);
          var bar = card.querySelector("progress");
          if (bar) { bar.value = percent; bar.textContent = percent + "%"; }
          var stage = card.querySelector("[data-stage]");
          if (stage) stage.textContent = job.stage + " (" + percent + "%)";
        });
        if (finished) { window.location.reload(); return; }
        window.setTimeout(update, 2000);
      })
      .catch(function () { window.setTimeout(update, 5000); });
  }
  window.setTimeout(update, 1500);
})();
