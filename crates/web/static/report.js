// XHHT report form: small help on top of a form that works without it.
// 1. A link of the error or warning summary (or "Ghi giải trình") moves the
//    focus to its field, not only the scroll: browsers only scroll to a
//    fragment, and a person typing next wants the cursor there.
// 2. The progress list counts the filled fields of each part as they are typed.
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) return;

  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (!a || !form.contains(a)) return;
    var target = document.getElementById(a.getAttribute("href").slice(1));
    if (!target || !target.matches("input, select, textarea, output")) return;
    e.preventDefault();
    (target.closest(".field") || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    if (history.replaceState) history.replaceState(null, "", a.getAttribute("href"));
  });

  function filled(field) {
    var radios = field.querySelectorAll("input[type=radio]");
    if (radios.length) {
      for (var i = 0; i < radios.length; i++) if (radios[i].checked && radios[i].value) return true;
      return false;
    }
    var input = field.querySelector("input, select, textarea");
    return !!input && input.value.trim() !== "";
  }

  function recount(part) {
    var count = form.querySelector(".form-progress a[href='#" + part.id + "'] .g-filled");
    if (!count) return;
    var n = 0;
    part.querySelectorAll(".field").forEach(function (f) { if (filled(f)) n++; });
    count.textContent = String(n);
  }

  form.addEventListener("input", function (e) {
    var part = e.target.closest && e.target.closest("fieldset.group[id]");
    if (part) recount(part);
  });
  form.addEventListener("change", function (e) {
    var part = e.target.closest && e.target.closest("fieldset.group[id]");
    if (part) recount(part);
  });
})();
