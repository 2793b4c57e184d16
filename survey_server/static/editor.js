// Questionnaire editor: drag-and-drop reordering of items (the arrow buttons do the same
// without a mouse or without JavaScript), and skip logic checked while it is typed.
(function () {
  "use strict";
  var orderForm = document.querySelector("form[data-order-form]");
  var status = document.getElementById("order-status");
  var dragged = null;

  function saveOrder() {
    var data = new FormData(orderForm);
    document.querySelectorAll("li[data-item]").forEach(function (li) {
      data.append("order", li.getAttribute("data-item"));
    });
    fetch(orderForm.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (status) status.textContent = response.ok ? "Order saved." : "The order could not be saved; reload the page.";
      if (response.ok) window.location.reload();
    });
  }

  if (orderForm) {
    document.querySelectorAll("ol[data-sortable] > li[data-item]").forEach(function (li) {
      li.setAttribute("draggable", "true");
      li.addEventListener("dragstart", function (event) {
        dragged = li;
        li.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", li.getAttribute("data-item"));
      });
      li.addEventListener("dragend", function () { li.classList.remove("dragging"); });
      li.addEventListener("dragover", function (event) {
        if (!dragged || dragged === li) return;
        event.preventDefault();
        var box = li.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        li.parentNode.insertBefore(dragged, after ? li.nextSibling : li);
      });
      li.addEventListener("drop", function (event) {
        event.preventDefault();
        if (dragged) { dragged = null; saveOrder(); }
      });
    });
  }

  var input = document.querySelector("input[data-relevant-check]");
  if (!input) return;
  var out = document.getElementById("relevant-status");
  var timer = null;
  function check() {
    var url = input.getAttribute("data-relevant-check") + "?item=" +
      encodeURIComponent(input.getAttribute("data-item-id") || document.getElementById("f-id").value) +
      "&expr=" + encodeURIComponent(input.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        out.textContent = "";
        if (result.ok) {
          out.textContent = input.value.trim() ? "The condition is valid." : "";
          input.removeAttribute("aria-invalid");
          out.className = "hint ok";
          return;
        }
        input.setAttribute("aria-invalid", "true");
        out.className = "error-message";
        out.appendChild(document.createTextNode(result.message));
        if (result.position !== null && result.position !== undefined) {
          var shown = document.createElement("code");
          shown.className = "condition-at";
          var text = input.value;
          shown.appendChild(document.createTextNode(text.slice(0, result.position)));
          var mark = document.createElement("mark");
          var at = text.slice(result.position, result.position + 1);
          mark.textContent = at.trim() ? at : "\u2423";
          shown.appendChild(mark);
          shown.appendChild(document.createTextNode(text.slice(result.position + 1)));
          out.appendChild(document.createElement("br"));
          out.appendChild(shown);
        }
      });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
})();
