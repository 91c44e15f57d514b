/* Fits a Plotly figure from the API to the width it is drawn at (shared by the dashboards and the team page).
   Below NARROW px the font and side margins shrink, and each trace or layout may carry its own narrow
   variant in meta.narrow (set by the server's chart functions: shorter bar labels, names only in the hover). */
(function () {
  "use strict";
  var NARROW = 460;  /* a phone's chart (~340 px); a desktop's half-width card (~520 px) is not narrow */

  function merge(target, changes) {
    Object.keys(changes).forEach(function (key) {
      var value = changes[key];
      var plain = value && typeof value === "object" && !Array.isArray(value);
      target[key] = plain ? merge(Object.assign({}, target[key] || {}), value) : value;
    });
    return target;
  }

  function narrowed(figure) {
    var layout = figure.layout;
    merge(layout, { font: { size: 11 }, margin: { l: 10, r: 10 } });
    if (layout.meta && layout.meta.narrow) { merge(layout, layout.meta.narrow); }
    figure.data.forEach(function (trace) {
      if (trace.meta && trace.meta.narrow) { merge(trace, trace.meta.narrow); }
    });
    return figure;
  }

  window.chartFit = function (element, figure, options) {
    if (options && options.dropTitle) {
      /* The page's own heading names the chart; the figure's title is kept for the PNG and PDF. */
      figure.layout.title = { text: "" };
      merge(figure.layout, { margin: { t: 30 } });
    }
    return element.clientWidth < NARROW ? narrowed(figure) : figure;
  };
})();
