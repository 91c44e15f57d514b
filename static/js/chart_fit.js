/* Fits a Plotly figure from the API to the width it is drawn at (shared by the dashboards and the team page).
   Below NARROW px the font and side margins shrink, and each trace or layout may carry its own narrow
   variant in meta.narrow (set by the server's chart functions: shorter bar labels, names only in the hover).
   Then the margins are seeded with what plotly's automargin will need (see seedMargins). */
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

  /* ---- Margin seeding.
     Axes with automargin push the margins out to fit their tick labels and titles, and the legend above the
     plot pushes the top one; plotly measures those after drawing and, when a margin has to grow, draws the whole
     chart a second time (about half of a chart's drawing time). Plotly only ever grows a margin beyond
     layout.margin, so the margins are set beforehand to an estimate of what it will need: the texts measured
     with a canvas in the figure's fonts, placed as plotly places them (plotly.js 4: axes' labelStandoff and
     automargin pushes, the horizontal legend's rows, Plots.doAutoMargin). automargin stays on: an estimate
     that falls short costs the second drawing, never a cut label. SLACK px absorb the rounding of the texts. */
  var PLOTLY_MARGIN = { l: 80, r: 80, t: 100, b: 80 };
  var PLOTLY_FONT = { family: '"Open Sans", verdana, arial, sans-serif', size: 12 };
  var LINE = 1.3;  /* plotly's line spacing, in font sizes */
  var SLACK = 2;
  var TILT = 30 * Math.PI / 180;
  var context = null;

  function textWidth(text, size, family) {
    if (!context) { context = document.createElement("canvas").getContext("2d"); }
    context.font = size + "px " + family;
    return Math.max.apply(null, lines(text).map(function (line) { return context.measureText(line).width; }));
  }

  function lines(text) {
    /* The lines plotly draws from a label: <br> breaks, other tags dropped, the few entities it decodes. */
    return String(text).split(/<br\s*\/?>/i).map(function (line) {
      return line.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
        .replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, "&");
    });
  }

  function lineCount(texts) {
    return Math.max.apply(null, [1].concat(texts.map(function (text) { return lines(text).length; })));
  }

  function titleText(axis) {
    var title = axis.title;
    return typeof title === "string" ? title : (title && title.text) || "";
  }

  function axisTraces(figure, letter) {
    /* The visible traces drawn on the first x or y axis (the only ones the dashboards and the team page use). */
    return figure.data.filter(function (trace) {
      var ref = trace[letter + "axis"];
      return trace.visible !== false && (!ref || ref === letter);
    });
  }

  function values(trace, letter) {
    return Array.isArray(trace[letter]) ? trace[letter] : [];
  }

  function isNumber(value) {
    return typeof value === "number" || (typeof value === "string" && value.trim() !== "" && isFinite(value));
  }

  function categories(axis, traces, letter) {
    /* The category labels of an axis in order (a category axis' categoryarray or its traces' values), or null
       when the axis is numeric. Date-like strings give up (undefined): dates are not estimated. */
    var all = [];
    traces.forEach(function (trace) {
      values(trace, letter).forEach(function (value) {
        if (value !== null && value !== undefined && all.indexOf(value) === -1) { all.push(value); }
      });
    });
    if (axis.type === "category" || (!axis.type && all.length && !all.every(isNumber))) {
      if (!axis.type && all.some(function (value) { return /^\d{4}-\d\d(-\d\d)?([ T]|$)/.test(String(value)); })) {
        return undefined;
      }
      var listed = axis.categoryorder === "array" && Array.isArray(axis.categoryarray) ? axis.categoryarray : [];
      return listed.concat(all.filter(function (value) { return listed.indexOf(value) === -1; }));
    }
    return axis.type && axis.type !== "linear" && axis.type !== "-" ? undefined : null;
  }

  function numberLabels(axis, traces, letter, layout) {
    /* The widest tick labels a numeric axis can get: its range's ends, else the data's (stacked bars summed). */
    var ends = Array.isArray(axis.range) ? axis.range.slice() : [];
    if (!ends.length) {
      var stacked = layout.barmode === "stack" || layout.barmode === "relative";
      var sums = {};
      traces.forEach(function (trace) {
        var other = letter === "x" ? "y" : "x";
        values(trace, letter).forEach(function (value, i) {
          if (!isNumber(value)) { return; }
          value = +value;
          if (trace.type === "bar") { ends.push(0); }
          if (stacked && trace.type === "bar") {
            var key = String(values(trace, other)[i]) + (value < 0 ? "-" : "+");
            sums[key] = (sums[key] || 0) + value;
            value = sums[key];
          }
          ends.push(value);
        });
      });
    }
    if (!ends.length) { return ["0"]; }
    return [Math.min.apply(null, ends), Math.max.apply(null, ends)].map(function (value) {
      var digits = String(Math.round(Math.abs(value) * 1.05));
      if (digits.length > 4) { digits = digits.replace(/\B(?=(\d{3})+$)/g, (layout.separators || ".,").charAt(1)); }
      return (axis.tickprefix || "") + (value < 0 ? "\u2212" : "") + digits + (axis.ticksuffix || "");
    });
  }

  function axisInfo(figure, letter, font) {
    /* What plotly will draw along an axis: its labels, their font, their distance from the axis, its title. */
    var layout = figure.layout;
    var axis = layout[letter + "axis"] || {};
    if (axis.visible === false || axis.showticklabels === false || !axis.automargin || axis.side ||
        (axis.anchor && axis.anchor !== (letter === "x" ? "y" : "x"))) { return null; }
    var traces = axisTraces(figure, letter);
    var tickfont = axis.tickfont || {};
    var size = tickfont.size || font.size;
    var family = tickfont.family || font.family;
    var cats = categories(axis, traces, letter);
    if (cats === undefined) { return null; }
    var texts = cats ? cats.map(String) : numberLabels(axis, traces, letter, layout);
    /* Plotly draws ticks outside by default on a heatmap's axes. */
    var outside = axis.ticks === "outside" || (axis.ticks === undefined && traces.some(function (trace) {
      return trace.type === "heatmap" || trace.type === "contour";
    }));
    var title = titleText(axis);
    var titleSize = title ? ((axis.title.font || {}).size || Math.round(font.size * 1.2)) : 0;
    var titleLines = lines(title).length;
    return {
      category: !!cats,
      bands: traces.length > 0 && traces.every(function (trace) {
        return trace.type === "bar" || trace.type === "heatmap" || trace.type === "histogram";
      }),
      texts: texts,
      widths: texts.map(function (text) { return textWidth(text, size, family); }),
      size: size,
      lines: lineCount(texts),
      /* makeLabelFns: ticks outside, their length and a fifth of the font; half the axis line. */
      standoff: (outside ? (axis.ticklen === undefined ? 5 : +axis.ticklen) + 0.2 * size : 0) +
        (axis.linewidth || 1) / 2,
      angle: axis.tickangle === undefined || axis.tickangle === "auto" ? null : +axis.tickangle,
      title: title ? (titleLines > 1 ? titleSize * titleLines * LINE : titleSize) + ((axis.title || {}).standoff || 0)
        : 0
    };
  }

  function autoAngle(x, length) {
    /* The angle plotly gives category labels that do not fit side by side: level, 30° or upright; null when
       the plot's length is too near the length where plotly's choice changes to tell. */
    var n = x.texts.length;
    if (!n || length <= 0) { return 0; }
    var step = Math.max(1, Math.ceil(n / (length / (1.2 * x.size + 2))));  /* every step-th category labelled */
    var spacing = step * length / n;
    for (var i = step; i < n; i += step) {
      if ((x.widths[i - step] + x.widths[i]) / 2 + 2 > spacing) {
        var upright = 1.25 * x.size * x.lines / Math.tan(TILT);  /* spacing below which plotly stands them up */
        return Math.abs(spacing - upright) < 1 ? null : (spacing >= upright ? 30 : 90);
      }
    }
    return 0;
  }

  function xPush(x, angle, width, left, base, pad) {
    /* The bottom (and, for 30° labels, right) push of the x axis drawn at `angle` in a figure `width` px wide. */
    var widest = Math.max.apply(null, x.widths.concat([0]));
    var depth;
    if (Math.abs(angle) === 90) {
      depth = widest + 0.25 * x.size;
    } else if (angle === 0) {
      depth = LINE * x.size * x.lines;
    } else if (angle === 30 && x.category && x.bands) {
      depth = widest * Math.sin(TILT) + LINE * x.size * Math.cos(TILT) + 0.5;
    } else {
      return null;
    }
    var push = { b: x.standoff + depth + x.title + pad, r: 0 };
    if (angle === 30) {
      /* Labels hang to the right of their category's middle: the last ones reach past the plot. Solved for
         the right margin r that leaves room for itself: plot length = width - left - r. */
      var n = x.texts.length;
      x.widths.forEach(function (w, i) {
        var after = 1 - (i + 0.5) / n;  /* share of the plot right of the category */
        var reach = w * Math.cos(TILT) + 1.5 + pad;
        if (after < 1) { push.r = Math.max(push.r, (reach - (width - left) * after) / (1 - after)); }
      });
      push.r = Math.max(push.r, base.r);
    }
    return push;
  }

  function legendPush(figure, font, length, pad) {
    /* The height of a horizontal legend above the plot: rows of equal columns unless all fits in one row. */
    var layout = figure.layout;
    var legend = layout.legend || {};
    var items = figure.data.filter(function (trace) {
      return trace.visible !== false && trace.showlegend !== false && trace.type !== "heatmap" &&
        trace.type !== "pie";
    });
    var shown = layout.showlegend === undefined ? items.length > 1 : layout.showlegend;
    if (!shown || !items.length) { return null; }
    if (legend.orientation !== "h" || !(legend.y >= 1) || legend.yanchor !== "bottom" || legend.x ||
        (legend.xanchor && legend.xanchor !== "left") || legend.title) { return undefined; }
    var size = (legend.font || {}).size || font.size;
    var family = (legend.font || {}).family || font.family;
    var widths = items.map(function (trace) { return 40 + textWidth(trace.name || "", size, family); });
    var row = Math.max(LINE * size * lineCount(items.map(function (trace) { return trace.name || ""; })), 16) + 3;
    var total = widths.reduce(function (sum, w) { return sum + w; }, 0) + 10 + 5 * (widths.length - 1);
    var rows = 1;
    if (total >= length) {
      var column = Math.max.apply(null, widths);
      var perRow = Math.max(1, Math.floor((length - column) / (column + 5)) + 1);
      rows = Math.ceil(widths.length / perRow);
    }
    return { t: rows * row + 10 + pad, val: legend.y };
  }

  function combine(pushes, base, width, height) {
    /* Plots.doAutoMargin: the margins that give every push (a size at a position in the plot) its room. */
    var m = { l: base.l, r: base.r, t: base.t, b: base.b };
    pushes.forEach(function (low) {
      pushes.forEach(function (high) {
        if (high.r.val > low.l.val) {
          var l = (low.l.size * high.r.val + (high.r.size - width) * low.l.val) / (high.r.val - low.l.val);
          var r = (high.r.size * (1 - low.l.val) + (low.l.size - width) * (1 - high.r.val)) /
            (high.r.val - low.l.val);
          if (l + r > m.l + m.r) { m.l = l; m.r = r; }
        }
        if (high.t.val > low.b.val) {
          var b = (low.b.size * high.t.val + (high.t.size - height) * low.b.val) / (high.t.val - low.b.val);
          var t = (high.t.size * (1 - low.b.val) + (low.b.size - height) * (1 - high.t.val)) /
            (high.t.val - low.b.val);
          if (b + t > m.b + m.t) { m.b = b; m.t = t; }
        }
      });
    });
    return m;
  }

  function side(val, size) { return { val: val, size: size || 0 }; }

  function estimate(figure, width, height, base, pad) {
    /* The margins automargin will settle on, or null where a side cannot be told (left at its base). */
    var layout = figure.layout;
    var font = { family: (layout.font || {}).family || PLOTLY_FONT.family, size: (layout.font || {}).size || PLOTLY_FONT.size };
    var x = axisInfo(figure, "x", font);
    var y = axisInfo(figure, "y", font);
    var pushes = [{ l: side(0, base.l), r: side(1, base.r), t: side(1, base.t), b: side(0, base.b) }];
    var left = base.l;
    var known = { l: true, r: true, t: true, b: true };
    if (y) {
      var widest = Math.max.apply(null, y.widths.concat([0]));
      var depth = Math.abs(y.angle) === 90 ? LINE * y.size * y.lines : widest + 0.5;
      left = Math.max(left, y.standoff + depth + y.title + pad);
      pushes.push({ l: side(0, left), r: side(1), t: side(1), b: side(0) });
    } else if (layout.yaxis && layout.yaxis.automargin && layout.yaxis.visible !== false) {
      known.l = false;
    }
    var right = base.r;
    if (x) {
      var angle = x.angle;
      var push = null;
      if (angle === null && x.category) {
        /* Plotly picks the angle at the plot's length; the 30° labels' right push shortens it: keep the
           angle only when it is still plotly's choice at the length it leaves. */
        angle = autoAngle(x, width - left - base.r);
        push = angle === null ? null : xPush(x, angle, width, left, base, pad);
        if (push && autoAngle(x, width - left - Math.max(push.r, base.r) - 2 * SLACK) !== angle) { push = null; }
      } else {
        push = xPush(x, angle === null ? 0 : angle, width, left, base, pad);
      }
      if (push) {
        right = Math.max(right, push.r);
        pushes.push({ l: side(0), r: side(1, push.r), t: side(1), b: side(0, push.b) });
      } else {
        known.b = known.r = false;
      }
    } else if (layout.xaxis && layout.xaxis.automargin && layout.xaxis.visible !== false) {
      known.b = known.r = false;
    }
    var legend = legendPush(figure, font, width - left - right, pad);
    if (legend) {
      pushes.push({ l: side(0), r: side(0), t: side(legend.val, legend.t), b: side(legend.val) });
    } else if (legend === undefined) {
      known.t = false;
    }
    var margins = combine(pushes, base, width, height);
    Object.keys(known).forEach(function (key) { if (!known[key]) { margins[key] = null; } });
    return margins;
  }

  function seedMargins(element, figure) {
    var layout = figure.layout;
    var width = layout.width || element.clientWidth;
    var height = layout.height || element.clientHeight || 450;
    if (!width || !figure.data.length) { return figure; }
    var base = Object.assign({}, PLOTLY_MARGIN, layout.margin || {});
    if (base.autoexpand === false) { return figure; }
    var seeded = base;
    var pad = Math.min(12, base.l, base.r, base.t, base.b);
    for (var round = 0; round < 2; round++) {
      /* Plotly pads each push by the smallest margin up to 12 px: once seeded, that may grow. */
      var margins = estimate(figure, width, height, base, pad);
      seeded = Object.assign({}, base);
      ["l", "r", "t", "b"].forEach(function (key) {
        var need = margins[key] === null ? base[key] : Math.round(margins[key]);
        seeded[key] = need > base[key] ? need + SLACK : base[key];
      });
      var next = Math.min(12, seeded.l, seeded.r, seeded.t, seeded.b);
      if (next === pad) { break; }
      pad = next;
    }
    layout.margin = seeded;
    return figure;
  }

  window.chartFit = function (element, figure, options) {
    if (options && options.dropTitle) {
      /* The page's own heading names the chart; the figure's title is kept for the PNG and PDF. */
      figure.layout.title = { text: "" };
      merge(figure.layout, { margin: { t: 30 } });
    }
    if (element.clientWidth < NARROW) { narrowed(figure); }
    /* options.seedMargins === false: the margins as the server set them (the browser tests compare). */
    return options && options.seedMargins === false ? figure : seedMargins(element, figure);
  };
})();
