/* Dashboards: draw every .chart[data-figure-url] with plotly.js from the API's figure JSON: the copy the page
   carries in a JSON data block when the element names one (data-figure-json), else fetched from the URL.
   No inline script anywhere (strict CSP): URLs and block ids come from data- attributes. */
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function showError(element, error) {
    element.textContent = "";
    var p = document.createElement("p");
    p.className = "chart-error";
    p.textContent = element.dataset.errorText || "The chart could not be loaded.";
    element.appendChild(p);
    if (window.console && error) { console.warn("dashboard chart", element.id, error); }
  }

  function followLinks(element) {
    /* Heatmap cells and action bars carry a same-site URL in customdata: a click opens it. */
    element.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var url = point && point.customdata;
      if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
        window.location.assign(url);
      }
    });
  }

  var NUMBERS = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });

  function cellText(value) {
    if (value === null || value === undefined || value === "") { return "\u2014"; }
    return typeof value === "number" ? NUMBERS.format(value) : String(value);
  }

  function fillTable(element, table) {
    /* "Show as table": the same rows as the chart, built from the figure JSON (text nodes only). */
    var holder = document.querySelector('[data-table-for="' + element.id + '"]');
    if (!holder || !table) { return; }
    var t = document.createElement("table");
    t.createCaption().textContent = table.caption;
    var headRow = t.createTHead().insertRow();
    table.columns.forEach(function (column) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = column;
      headRow.appendChild(th);
    });
    var body = t.createTBody();
    var links = table.row_links || [];
    table.rows.forEach(function (row, index) {
      var tr = body.insertRow();
      row.forEach(function (value, column) {
        var cell = document.createElement(column === 0 ? "th" : "td");
        var link = column === 0 && links[index];
        if (column === 0) { cell.scope = "row"; }
        if (link && link.charAt(0) === "/" && link.charAt(1) !== "/") {
          var a = document.createElement("a");
          a.href = link;
          a.textContent = cellText(value);
          cell.appendChild(a);
        } else {
          cell.textContent = cellText(value);
        }
        tr.appendChild(cell);
      });
    });
    if (!table.rows.length) {
      var empty = body.insertRow().insertCell();
      empty.colSpan = table.columns.length;
      empty.textContent = holder.dataset.emptyText || "";
    }
    holder.textContent = "";
    holder.appendChild(t);
  }

  function embedded(element) {
    /* The page's own copy of the figure JSON (a data block the element names in data-figure-json), or null. */
    var block = element.dataset.figureJson && document.getElementById(element.dataset.figureJson);
    if (!block) { return null; }
    try {
      return JSON.parse(block.textContent);
    } catch (error) {
      if (window.console) { console.warn("dashboard chart", element.id, "embedded figure unreadable", error); }
      return null;
    }
  }

  function load(element) {
    var payload = embedded(element);
    if (payload) { return Promise.resolve(payload); }
    return fetch(element.dataset.figureUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function draw(element, loading) {
    return loading
      .then(function (payload) {
        element.textContent = "";
        var summary = document.getElementById(element.dataset.summary);
        if (summary && payload.summary) { summary.textContent = payload.summary; }
        fillTable(element, payload.table);
        var figure = window.chartFit(element, payload.figure, { dropTitle: true });
        return window.Plotly.react(element, figure.data, figure.layout, CONFIG).then(function () {
          if (!element.dataset.linked) { followLinks(element); element.dataset.linked = "1"; }
          element.dataset.drawn = "1";
        });
      })
      .catch(function (error) { showError(element, error); });
  }

  function start() {
    /* Every figure the page does not carry is requested at once (each is one read of the dashboards' read model,
       so a burst costs the server little), before plotly.js has even been compiled (this script is deferred
       ahead of it), and the charts are drawn one after another, top to bottom, once plotly.js is ready
       (DOMContentLoaded comes after every deferred script): the server's answers, the compiling and the drawing
       overlap instead of taking turns, and the first chart is still visible first. */
    var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure-url]"));
    if (!charts.length) { return; }
    var loads = charts.map(function (element) {
      var loading = load(element);
      loading.catch(function () {});  /* handled when its chart's turn comes (draw shows the error) */
      return loading;
    });
    function drawAll() {
      if (!window.Plotly) { return; }
      charts.reduce(function (previous, element, index) {
        return previous.then(function () { return draw(element, loads[index]); });
      }, Promise.resolve());
    }
    if (window.Plotly && document.readyState !== "loading") {
      drawAll();
    } else {
      document.addEventListener("DOMContentLoaded", drawAll);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
