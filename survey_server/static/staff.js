// Note form: Ctrl+Enter (or Cmd+Enter) saves from any field, so notes go in without the mouse.
(function () {
  var form = document.getElementById("note-form");
  if (!form) return;
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit(); else form.submit();
    }
  });
})();
