// Progress of a confirmed history import: polls the import's API resource every second and moves the bar;
// when the import is done or failed the page reloads to show the outcome. Without this script the page
// says to reload (a <noscript> note).
(function () {
  "use strict";

  var bar = document.querySelector("[data-history-progress]");
  if (!bar || !window.fetch) {
    return;
  }
  var text = document.getElementById("history-progress-text");
  var POLL_MS = 1000;

  function show(data) {
    bar.max = Math.max(data.rows_total, 1);
    bar.value = data.rows_done;
    if (text) {
      var stage = data.rows_done < data.rows_total ? text.dataset.checking : text.dataset.writing;
      text.textContent = stage + ": " + data.rows_done + " / " + data.rows_total;
    }
  }

  function poll() {
    fetch(bar.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          return;
        }
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();
          return;
        }
        show(data);
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }

  window.setTimeout(poll, POLL_MS);
})();
