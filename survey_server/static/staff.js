// Note form: Ctrl+Enter (or Cmd+Enter) saves from any field, so notes go in without the mouse.
(function () {
  var form = document.getElementById("note-form");
  if (!form) return;
  // Back with an error, the note keeps its text: put the caret after it, not before, so
  // what is typed next continues the note instead of starting a second one in front.
  var text = document.getElementById("text");
  if (text && text.value) {
    var end = text.value.length;
    text.setSelectionRange(end, end);
  }
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit(); else form.submit();
    }
  });
})();
