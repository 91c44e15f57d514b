// Team scorecard: fetch the team data once and draw each Plotly figure into its container.
(function () {
  "use strict";
  var charts = document.querySelectorAll("[data-figure-url]");
  var status = document.querySelector(".chart-status");
  if (!charts.length || typeof Plotly === "undefined") { return; }
  var url = charts[0].getAttribute("data-figure-url");
  function say(text) { if (status) { status.textContent = text; } }
  fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (data) {
      charts.forEach(function (node) {
        var figure = data.figures[node.getAttribute("data-figure")];
        if (figure) {
          figure = window.chartFit(node, figure);
          Plotly.newPlot(node, figure.data, figure.layout, { responsive: true, displaylogo: false });
        }
      });
      markReady();
    })
    // The message comes translated from the page, like every other text.
    .catch(function () { say(status ? status.getAttribute("data-failed") : ""); });
  function markReady() { document.body.setAttribute("data-charts-ready", "true"); }
})();
