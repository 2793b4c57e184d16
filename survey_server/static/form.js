// Progressive enhancement of the participant form: focus the error summary, and save
// the page as a draft (PUT /api/v1/forms/{token}/draft) shortly after each change.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // "Copy link" on the confirmation page: shown only where the browser can copy.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.closest("section").querySelector(".autosave-status");
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () { field.select(); });
    });
  });
  var form = document.querySelector("form[data-token]");
  if (!form || !window.fetch) { return; }
  var status = form.querySelector(".autosave-status");
  var timer = null;

  function pageAnswers() {
    var answers = {};
    form.querySelectorAll("[data-item]").forEach(function (el) {
      var id = el.getAttribute("data-item"), type = el.getAttribute("data-type");
      if (type === "multi") {
        answers[id] = Array.prototype.map.call(el.querySelectorAll("input:checked"), function (i) { return i.value; });
      } else if (type === "number") {
        var text = el.value.trim().replace(",", ".");
        if (text === "") { answers[id] = null; } else if (isFinite(Number(text))) { answers[id] = Number(text); }
      } else if (type === "text") {
        answers[id] = el.value.trim() === "" ? null : el.value;
      } else {
        var checked = el.querySelector("input:checked");
        var value = checked ? checked.value : null;
        if (value !== null && (type === "likert")) { value = Number(value); }
        if (value !== null && type === "boolean") { value = value === "1"; }
        answers[id] = value;
      }
    });
    return answers;
  }

  function save() {
    fetch("/api/v1/forms/" + encodeURIComponent(form.getAttribute("data-token")) + "/draft", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ answers: pageAnswers() }),
      credentials: "same-origin"
    }).then(function (response) {
      status.textContent = response.ok ? form.getAttribute("data-saved") : "";
    }).catch(function () { status.textContent = form.getAttribute("data-failed"); });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  });
})();
