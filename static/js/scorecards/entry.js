// Daily entry: put the cursor in today's first box and select a box's value on focus, so typing replaces it.
(function () {
  "use strict";
  var form = document.querySelector(".entry-form");
  if (!form) { return; }
  var today = form.querySelector("tr.today input.count") || form.querySelector("input.count");
  if (today && !form.querySelector("[role=alert]")) { today.focus(); }
  form.addEventListener("focusin", function (event) {
    if (event.target.matches("input.count")) { event.target.select(); }
  });
})();
