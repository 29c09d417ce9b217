/*
 * The normalization explorer (docs/zh/explorer.md, docs/en/explorer.md). Plain JavaScript and
 * SVG, no library, no request. Loaded only on pages whose front matter says `explorer: true`
 * (overrides/main.html).
 *
 * Two widgets, each a <div class="norm-explorer" data-explorer="..."> written in the page:
 *   axes: an activation of shape (B, T, C); the cells that share one mean and variance with
 *         the cell under the pointer or the keyboard focus are highlighted, per method.
 *   live: a small seeded batch, BatchNorm and LayerNorm computed here, in float64; the reader
 *         shifts or swaps one sample, switches training and eval mode, runs training steps.
 *
 * The live batch is deterministic: mulberry32 (seed 7) gives uniform numbers, Box-Muller turns
 * each pair into one standard normal, rounded to two decimals. snippets/explorer/
 * same_batch_in_pytorch.py draws the same numbers in Python, and tests/browser/test_explorer.py
 * compares what this file computes with torch.nn.
 *
 * UI strings follow the page language (<html lang>).
 */
(function () {
  "use strict";

  var EPS = 1e-5; // nn.BatchNorm1d and nn.LayerNorm default
  var MOMENTUM = 0.1; // nn.BatchNorm1d default
  var SVGNS = "http://www.w3.org/2000/svg";

  // ---- numbers ---------------------------------------------------------------------------

  /** mulberry32: a small 32-bit generator; returns a function giving floats in [0, 1). */
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** One standard normal from two uniforms (Box-Muller), rounded to two decimals. */
  function normal(rand) {
    var u1 = rand();
    var u2 = rand();
    var z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    return Math.round(z * 100) / 100;
  }

  /** A batch x[b][t][c] of B*T*C normals drawn in that order, and the generator, to draw more. */
  function seededBatch(seed, B, T, C) {
    var rand = mulberry32(seed);
    var x = [];
    for (var b = 0; b < B; b++) x.push(drawSample(rand, T, C));
    return { x: x, rand: rand };
  }

  function drawSample(rand, T, C) {
    var sample = [];
    for (var t = 0; t < T; t++) {
      var row = [];
      for (var c = 0; c < C; c++) row.push(normal(rand));
      sample.push(row);
    }
    return sample;
  }

  function shape(x) {
    return [x.length, x[0].length, x[0][0].length];
  }

  function mapCells(x, f) {
    return x.map(function (sample, b) {
      return sample.map(function (row, t) {
        return row.map(function (v, c) { return f(v, b, t, c); });
      });
    });
  }

  /** Per-channel mean and biased variance over all B*T positions. */
  function channelStats(x) {
    var s = shape(x), m = s[0] * s[1], C = s[2];
    var mean = [], variance = [];
    for (var c = 0; c < C; c++) {
      var sum = 0, sq = 0, b, t;
      for (b = 0; b < s[0]; b++) for (t = 0; t < s[1]; t++) sum += x[b][t][c];
      var mu = sum / m;
      for (b = 0; b < s[0]; b++) for (t = 0; t < s[1]; t++) sq += (x[b][t][c] - mu) * (x[b][t][c] - mu);
      mean.push(mu);
      variance.push(sq / m);
    }
    return { mean: mean, variance: variance, count: m };
  }

  /**
   * BatchNorm over the channel axis of x (B, T, C), as nn.BatchNorm1d on x.transpose(1, 2)
   * with weight 1 and bias 0. Training: batch statistics (biased variance). Eval: the running
   * statistics. Returns the output; does not touch the running statistics.
   */
  function batchNorm(x, running, training, eps) {
    var mean, variance;
    if (training) {
      var st = channelStats(x);
      mean = st.mean;
      variance = st.variance;
    } else {
      mean = running.mean;
      variance = running.variance;
    }
    return mapCells(x, function (v, b, t, c) { return (v - mean[c]) / Math.sqrt(variance[c] + eps); });
  }

  /** One training step's update of the running statistics (PyTorch's convention). */
  function updateRunning(x, running, momentum) {
    var st = channelStats(x);
    var m = st.count;
    return {
      mean: running.mean.map(function (r, c) { return (1 - momentum) * r + momentum * st.mean[c]; }),
      // The running variance stores the unbiased estimate (divide by m - 1).
      variance: running.variance.map(function (r, c) {
        return (1 - momentum) * r + momentum * st.variance[c] * m / (m - 1);
      }),
      steps: running.steps + 1,
    };
  }

  function freshRunning(C) {
    var mean = [], variance = [];
    for (var c = 0; c < C; c++) { mean.push(0); variance.push(1); }
    return { mean: mean, variance: variance, steps: 0 };
  }

  /** LayerNorm over the last axis, as nn.LayerNorm(C) with weight 1 and bias 0. */
  function layerNorm(x, eps) {
    return x.map(function (sample) {
      return sample.map(function (row) {
        var C = row.length, mu = 0, v = 0, c;
        for (c = 0; c < C; c++) mu += row[c];
        mu /= C;
        for (c = 0; c < C; c++) v += (row[c] - mu) * (row[c] - mu);
        v /= C;
        return row.map(function (value) { return (value - mu) / Math.sqrt(v + eps); });
      });
    });
  }

  // ---- which values share statistics --------------------------------------------------------

  var METHODS = ["bn", "ln", "rms", "in", "gn", "mbn"];

  /**
   * The cells whose values enter the same mean/variance as cell (b, t, c): a list of [b, t, c].
   * opts.groups: GroupNorm's G; opts.lengths: real tokens per sample (masked BatchNorm).
   * A padded cell under masked BatchNorm enters no statistics: the list is empty.
   */
  function sharedCells(method, dims, cell, opts) {
    var B = dims[0], T = dims[1], C = dims[2];
    var b0 = cell[0], t0 = cell[1], c0 = cell[2];
    var out = [], b, t, c;
    if (method === "bn") {
      for (b = 0; b < B; b++) for (t = 0; t < T; t++) out.push([b, t, c0]);
    } else if (method === "mbn") {
      var lengths = opts.lengths;
      if (t0 >= lengths[b0]) return out;
      for (b = 0; b < B; b++) for (t = 0; t < lengths[b]; t++) out.push([b, t, c0]);
    } else if (method === "ln" || method === "rms") {
      for (c = 0; c < C; c++) out.push([b0, t0, c]);
    } else if (method === "in") {
      for (t = 0; t < T; t++) out.push([b0, t, c0]);
    } else if (method === "gn") {
      var size = C / opts.groups, first = Math.floor(c0 / size) * size;
      for (t = 0; t < T; t++) for (c = first; c < first + size; c++) out.push([b0, t, c]);
    }
    return out;
  }

  // ---- strings ------------------------------------------------------------------------------

  var STRINGS = {
    zh: {
      method: "归一化方法",
      names: { bn: "BatchNorm", ln: "LayerNorm", rms: "RMSNorm", "in": "InstanceNorm", gn: "GroupNorm", mbn: "带掩码的 BatchNorm" },
      groups: "GroupNorm 的组数 G",
      gridLabel: function (B, T, C) {
        return "形状为 (" + B + ", " + T + ", " + C + ") 的激活：" + B + " 个样本，每个样本 " + T + " 个 token，每个 token " + C + " 个特征。用方向键移动，PageUp / PageDown 换样本。";
      },
      sample: function (b) { return "样本 b = " + b; },
      axisT: "token t ↓",
      axisC: "特征 c →",
      cell: function (b, t, c, padded) { return "x[" + b + ", " + t + ", " + c + "]" + (padded ? "，填充" : ""); },
      describe: {
        bn: function (n, k) { return "BatchNorm：通道 " + k.c + " 在整批所有样本、所有 token 上求一个均值和方差，共 m = B·T = " + n + " 个值。"; },
        mbn: function (n, k) { return "带掩码的 BatchNorm：通道 " + k.c + " 只在真实 token 上求统计量，共 " + n + " 个值；填充位置不参与。"; },
        mbnPad: function () { return "这是填充位置：它不参与任何统计量，带掩码的 BatchNorm 把它的输出置为 0。"; },
        ln: function (n, k) { return "LayerNorm：样本 " + k.b + " 的 token " + k.t + " 用它自己的 " + n + " 个特征求一个均值和方差（C）。"; },
        rms: function (n, k) { return "RMSNorm：和 LayerNorm 同一组值，样本 " + k.b + " 的 token " + k.t + " 的 " + n + " 个特征，但只求均方，不减均值。"; },
        "in": function (n, k) { return "InstanceNorm：样本 " + k.b + " 的通道 " + k.c + " 在它的 " + n + " 个 token 上求统计量（T）。"; },
        gn: function (n, k) { return "GroupNorm（G = " + k.g + "）：样本 " + k.b + " 中通道 " + k.c + " 所在的组，所有 token，共 " + n + " 个值（T·C/G）。"; },
      },
      padLegend: "斜线格子是填充位置（每个样本的真实长度：",
      legendAnchor: "当前的值",
      legendShared: "与它共用统计量的值",
      legendPad: "填充",
      // live mode
      liveLabel: "实时计算：BatchNorm 与 LayerNorm",
      shift: function (b) { return "给样本 " + b + " 的所有值加上 δ"; },
      swap: function (b) { return "换一个样本 " + b; },
      mode: "BatchNorm 的模式",
      train: "训练模式",
      evalMode: "推理模式（eval）",
      step: "跑一个训练步",
      reset: "重置滑动统计量",
      input: "输入 x",
      bnOut: "BatchNorm 输出",
      lnOut: "LayerNorm 输出",
      rowHead: function (b, t) { return "b" + b + " t" + t; },
      feature: function (c) { return "c" + c; },
      watch: "观察",
      edited: "被修改",
      running: "滑动统计量",
      runningMean: "滑动均值",
      runningVar: "滑动方差",
      steps: function (n) { return "已跑 " + n + " 个训练步（num_batches_tracked = " + n + "）"; },
      change: function (b, bn, ln, training) {
        return "与未修改的批相比，样本 " + b + " 的输出最大变化：BatchNorm " + bn + "，LayerNorm " + ln + "。" +
          (training ? "训练模式下 BatchNorm 用的是这一批的统计量。" : "推理模式下 BatchNorm 用的是滑动统计量，与同批其他样本无关。");
      },
    },
    en: {
      method: "Normalization method",
      names: { bn: "BatchNorm", ln: "LayerNorm", rms: "RMSNorm", "in": "InstanceNorm", gn: "GroupNorm", mbn: "Masked BatchNorm" },
      groups: "GroupNorm's number of groups G",
      gridLabel: function (B, T, C) {
        return "An activation of shape (" + B + ", " + T + ", " + C + "): " + B + " samples, " + T + " tokens per sample, " + C + " features per token. Arrow keys move; Page Up and Page Down change the sample.";
      },
      sample: function (b) { return "sample b = " + b; },
      axisT: "token t ↓",
      axisC: "feature c →",
      cell: function (b, t, c, padded) { return "x[" + b + ", " + t + ", " + c + "]" + (padded ? ", padding" : ""); },
      describe: {
        bn: function (n, k) { return "BatchNorm: channel " + k.c + " gets one mean and variance from every token of every sample, m = B·T = " + n + " values."; },
        mbn: function (n, k) { return "Masked BatchNorm: channel " + k.c + " takes its statistics from real tokens only, " + n + " values; padded positions stay out."; },
        mbnPad: function () { return "This is padding: it enters no statistics, and masked BatchNorm sets its output to 0."; },
        ln: function (n, k) { return "LayerNorm: token " + k.t + " of sample " + k.b + " gets one mean and variance from its own " + n + " features (C)."; },
        rms: function (n, k) { return "RMSNorm: the same values as LayerNorm, the " + n + " features of token " + k.t + " of sample " + k.b + ", but only a mean square, no mean."; },
        "in": function (n, k) { return "InstanceNorm: channel " + k.c + " of sample " + k.b + " takes its statistics over the sample's " + n + " tokens (T)."; },
        gn: function (n, k) { return "GroupNorm (G = " + k.g + "): the group of channel " + k.c + " in sample " + k.b + ", over every token, " + n + " values (T·C/G)."; },
      },
      padLegend: "Hatched cells are padding (real lengths per sample: ",
      legendAnchor: "the current value",
      legendShared: "values that share its statistics",
      legendPad: "padding",
      liveLabel: "Live: BatchNorm and LayerNorm",
      shift: function (b) { return "Add δ to every value of sample " + b; },
      swap: function (b) { return "Swap in a new sample " + b; },
      mode: "BatchNorm's mode",
      train: "training mode",
      evalMode: "eval mode",
      step: "Run one training step",
      reset: "Reset running statistics",
      input: "input x",
      bnOut: "BatchNorm output",
      lnOut: "LayerNorm output",
      rowHead: function (b, t) { return "b" + b + " t" + t; },
      feature: function (c) { return "c" + c; },
      watch: "watched",
      edited: "edited",
      running: "Running statistics",
      runningMean: "running mean",
      runningVar: "running variance",
      steps: function (n) { return n + " training step" + (n === 1 ? "" : "s") + " run (num_batches_tracked = " + n + ")"; },
      change: function (b, bn, ln, training) {
        return "Largest change in sample " + b + "'s output against the unedited batch: BatchNorm " + bn + ", LayerNorm " + ln + ". " +
          (training ? "In training mode BatchNorm uses this batch's statistics." : "In eval mode BatchNorm uses the running statistics, whatever else is in the batch.");
      },
    },
  };

  function strings() {
    var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();
    return STRINGS[lang] || STRINGS.en;
  }

  // ---- small DOM helpers --------------------------------------------------------------------

  var uid = 0;
  function nextId(prefix) { uid += 1; return "nx-" + prefix + "-" + uid; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    return node;
  }

  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
  }

  function intList(text, fallback) {
    if (!text) return fallback;
    return text.split(",").map(function (s) { return parseInt(s, 10); });
  }

  // ---- the axes widget ----------------------------------------------------------------------

  function AxesWidget(root) {
    var S = strings();
    var B = parseInt(root.dataset.b || "4", 10);
    var T = parseInt(root.dataset.t || "6", 10);
    var C = parseInt(root.dataset.c || "8", 10);
    var lengths = intList(root.dataset.lengths, [T, T, T, T]);
    var state = { method: root.dataset.method || "bn", groups: 2, anchor: [1, 2, 3], focus: [1, 2, 3] };
    var self = this;

    root.textContent = "";
    root.classList.add("nx-ready");

    // Method choice: native radio buttons, so the keyboard and screen readers know them.
    var fieldset = el("fieldset", { "class": "nx-methods" }, [el("legend", { text: S.method })]);
    var radioName = nextId("method");
    METHODS.forEach(function (m) {
      var id = nextId("m-" + m);
      var input = el("input", { type: "radio", name: radioName, id: id, value: m });
      if (m === state.method) input.checked = true;
      input.addEventListener("change", function () { if (input.checked) { state.method = m; update(); } });
      fieldset.appendChild(el("span", { "class": "nx-choice" }, [input, el("label", { "for": id, text: S.names[m] })]));
    });
    var groupsId = nextId("groups");
    var groups = el("select", { id: groupsId });
    [1, 2, 4, 8].filter(function (g) { return C % g === 0; }).forEach(function (g) {
      var option = el("option", { value: String(g), text: String(g) });
      if (g === state.groups) option.selected = true;
      groups.appendChild(option);
    });
    groups.addEventListener("change", function () { state.groups = parseInt(groups.value, 10); update(); });
    fieldset.appendChild(el("span", { "class": "nx-choice nx-groups" }, [el("label", { "for": groupsId, text: S.groups + " " }), groups]));
    root.appendChild(fieldset);

    // The drawing: one block per sample, tokens down, features across. One grid for assistive
    // technology: a row per (sample, token), a cell per feature.
    var figure = el("div", { "class": "nx-figure" });
    var statusId = nextId("status");
    var canvas = svg("svg", { role: "grid", "aria-label": S.gridLabel(B, T, C), "aria-describedby": statusId, "class": "nx-axes" });
    figure.appendChild(canvas);
    root.appendChild(figure);

    var status = el("p", { "class": "nx-status", id: statusId, "aria-live": "polite" });
    root.appendChild(status);
    var legend = el("p", { "class": "nx-legend" });
    root.appendChild(legend);

    var cells = []; // cells[b][t][c] -> rect
    var groupLines = [];
    var layoutColumns = 0;

    function draw() {
      var width = figure.clientWidth || 600;
      var columns = width < 520 ? 2 : B;
      if (columns === layoutColumns) return;
      layoutColumns = columns;
      canvas.textContent = "";
      cells = [];
      groupLines = [];
      var size = 20, gap = 2, left = 4, top = 36, blockGap = 24;
      var blockW = C * (size + gap) - gap, blockH = T * (size + gap) - gap;
      var rowsOfBlocks = Math.ceil(B / columns);
      var totalW = left + columns * blockW + (columns - 1) * blockGap + 10;
      var totalH = rowsOfBlocks * (top + blockH) + (rowsOfBlocks - 1) * 14 + 8;
      canvas.setAttribute("viewBox", "0 0 " + totalW + " " + totalH);
      canvas.style.maxWidth = totalW * 1.6 + "px";
      var pattern = svg("pattern", { id: radioName + "-hatch", width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
      pattern.appendChild(svg("rect", { width: 5, height: 5, "class": "nx-hatch-bg" }));
      pattern.appendChild(svg("line", { x1: 0, y1: 0, x2: 0, y2: 5, "class": "nx-hatch-line" }));
      var defs = svg("defs");
      defs.appendChild(pattern);
      canvas.appendChild(defs);
      for (var b = 0; b < B; b++) {
        var ox = left + (b % columns) * (blockW + blockGap);
        var oy = Math.floor(b / columns) * (top + blockH + 14);
        var title = svg("text", { x: ox, y: oy + 14, "class": "nx-label", "aria-hidden": "true" });
        title.textContent = S.sample(b);
        canvas.appendChild(title);
        var axis = svg("text", { x: ox, y: oy + 30, "class": "nx-axis", "aria-hidden": "true" });
        axis.textContent = S.axisC + "  " + S.axisT;
        canvas.appendChild(axis);
        cells.push([]);
        for (var t = 0; t < T; t++) {
          var row = svg("g", { role: "row", "aria-rowindex": b * T + t + 1 });
          cells[b].push([]);
          for (var c = 0; c < C; c++) {
            var padded = t >= lengths[b];
            var rect = svg("rect", {
              x: ox + c * (size + gap), y: oy + top + t * (size + gap), width: size, height: size, rx: 2,
              role: "gridcell", "aria-colindex": c + 1, tabindex: "-1",
              "aria-label": S.cell(b, t, c, false),
              "class": "nx-cell", "data-b": b, "data-t": t, "data-c": c, "data-padded": padded ? "1" : "0",
            });
            rect.dataset.hatch = "url(#" + radioName + "-hatch)";
            attachCell(rect, [b, t, c]);
            row.appendChild(rect);
            cells[b][t].push(rect);
          }
          canvas.appendChild(row);
        }
        for (var g = 1; g < C; g++) {
          var line = svg("line", {
            x1: ox + g * (size + gap) - gap / 2, x2: ox + g * (size + gap) - gap / 2,
            y1: oy + top - 3, y2: oy + top + blockH + 3, "class": "nx-group-line", "data-after": g, "aria-hidden": "true",
          });
          canvas.appendChild(line);
          groupLines.push(line);
        }
      }
      canvas.setAttribute("aria-rowcount", B * T);
      canvas.setAttribute("aria-colcount", C);
      update();
    }

    function attachCell(rect, key) {
      rect.addEventListener("pointerenter", function () { state.anchor = key; update(); });
      rect.addEventListener("pointerdown", function () { state.focus = key; state.anchor = key; update(); });
      rect.addEventListener("focus", function () { state.focus = key; state.anchor = key; update(); });
      rect.addEventListener("keydown", onKey);
    }

    function onKey(event) {
      var b = state.focus[0], t = state.focus[1], c = state.focus[2];
      var row = b * T + t;
      switch (event.key) {
        case "ArrowLeft": c = Math.max(0, c - 1); break;
        case "ArrowRight": c = Math.min(C - 1, c + 1); break;
        case "ArrowUp": row = Math.max(0, row - 1); break;
        case "ArrowDown": row = Math.min(B * T - 1, row + 1); break;
        case "PageUp": row = Math.max(0, b - 1) * T + t; break;
        case "PageDown": row = Math.min(B - 1, b + 1) * T + t; break;
        case "Home": c = 0; if (event.ctrlKey) row = 0; break;
        case "End": c = C - 1; if (event.ctrlKey) row = B * T - 1; break;
        default: return;
      }
      event.preventDefault();
      moveFocus([Math.floor(row / T), row % T, c]);
    }

    function moveFocus(key) {
      state.focus = key;
      state.anchor = key;
      update();
      cells[key[0]][key[1]][key[2]].focus();
    }

    function update() {
      if (!cells.length) return;
      var masked = state.method === "mbn";
      var dims = [B, T, C];
      var shared = sharedCells(state.method, dims, state.anchor, { groups: state.groups, lengths: lengths });
      var inSet = {};
      shared.forEach(function (k) { inSet[k.join(",")] = true; });
      var anchorKey = state.anchor.join(",");
      for (var b = 0; b < B; b++) for (var t = 0; t < T; t++) for (var c = 0; c < C; c++) {
        var rect = cells[b][t][c];
        var key = b + "," + t + "," + c;
        var padded = masked && rect.getAttribute("data-padded") === "1";
        rect.setAttribute("class", "nx-cell" + (inSet[key] ? " is-shared" : "") + (key === anchorKey ? " is-anchor" : "") + (padded ? " is-padded" : ""));
        rect.style.fill = padded && !inSet[key] && key !== anchorKey ? rect.dataset.hatch : "";
        rect.setAttribute("aria-label", S.cell(b, t, c, padded));
        rect.setAttribute("aria-selected", inSet[key] ? "true" : "false");
        rect.setAttribute("tabindex", key === state.focus.join(",") ? "0" : "-1");
      }
      var size = C / state.groups;
      groupLines.forEach(function (line) {
        var show = state.method === "gn" && parseInt(line.getAttribute("data-after"), 10) % size === 0;
        line.setAttribute("class", "nx-group-line" + (show ? " is-visible" : ""));
      });
      groups.disabled = state.method !== "gn";
      var k = { b: state.anchor[0], t: state.anchor[1], c: state.anchor[2], g: state.groups };
      var padAnchor = masked && state.anchor[1] >= lengths[state.anchor[0]];
      var text = S.cell(k.b, k.t, k.c, padAnchor) + " · " +
        (padAnchor ? S.describe.mbnPad() : S.describe[state.method](shared.length, k));
      if (status.textContent !== text) status.textContent = text;
      root.dataset.sharedCount = String(shared.length);
      root.dataset.anchor = anchorKey;
      legend.textContent = "";
      legend.appendChild(swatch("is-anchor", S.legendAnchor));
      legend.appendChild(swatch("is-shared", S.legendShared));
      if (masked) {
        legend.appendChild(swatch("is-padded", S.legendPad));
        legend.appendChild(document.createTextNode(" " + S.padLegend + lengths.join(", ") + ")"));
      }
    }

    function swatch(kind, label) {
      var box = el("span", { "class": "nx-swatch " + kind, "aria-hidden": "true" });
      return el("span", { "class": "nx-key" }, [box, label]);
    }

    // Without a pointer on a cell, the highlight follows the keyboard focus again.
    canvas.addEventListener("pointerleave", function () { state.anchor = state.focus; update(); });
    if (window.ResizeObserver) new ResizeObserver(draw).observe(figure);
    draw();

    self.state = state;
    self.select = function (method, groupCount) {
      var radio = fieldset.querySelector('input[value="' + method + '"]');
      radio.checked = true;
      state.method = method;
      if (groupCount) { state.groups = groupCount; groups.value = String(groupCount); }
      update();
    };
  }

  // ---- the live widget ----------------------------------------------------------------------

  function fmt(v) {
    var s = v.toFixed(2);
    return s === "-0.00" ? "0.00" : s;
  }

  function LiveWidget(root) {
    var S = strings();
    var seed = parseInt(root.dataset.seed || "7", 10);
    var dims = intList(root.dataset.shape, [3, 2, 4]);
    var B = dims[0], T = dims[1], C = dims[2];
    var edited = B - 1, watched = 0;
    var drawn = seededBatch(seed, B, T, C);
    var base = drawn.x;
    var state = { shift: 0, swaps: 0, edited: drawn.x[edited], training: true, running: freshRunning(C) };

    root.textContent = "";
    root.classList.add("nx-ready");

    var controls = el("div", { "class": "nx-controls" });
    var shiftId = nextId("shift");
    var shiftOut = el("output", { "for": shiftId, "class": "nx-shift-value", text: "δ = 0.0" });
    var slider = el("input", { type: "range", id: shiftId, min: "-3", max: "3", step: "0.5", value: "0", "class": "nx-shift" });
    slider.addEventListener("input", function () {
      state.shift = parseFloat(slider.value);
      shiftOut.textContent = "δ = " + state.shift.toFixed(1);
      render();
    });
    var editRow = el("div", { "class": "nx-control" }, [el("label", { "for": shiftId, text: S.shift(edited) }), slider, shiftOut]);
    controls.appendChild(editRow);

    var swap = el("button", { type: "button", "class": "nx-button nx-swap", text: S.swap(edited) });
    swap.addEventListener("click", function () {
      state.swaps += 1;
      state.edited = drawSample(drawn.rand, T, C);
      render();
    });

    var modeSet = el("fieldset", { "class": "nx-mode" }, [el("legend", { text: S.mode })]);
    var modeName = nextId("mode");
    [["train", S.train], ["eval", S.evalMode]].forEach(function (pair) {
      var id = nextId("mode-" + pair[0]);
      var input = el("input", { type: "radio", name: modeName, id: id, value: pair[0] });
      input.checked = pair[0] === "train";
      input.addEventListener("change", function () { if (input.checked) { state.training = pair[0] === "train"; render(); } });
      modeSet.appendChild(el("span", { "class": "nx-choice" }, [input, el("label", { "for": id, text: pair[1] })]));
    });

    var step = el("button", { type: "button", "class": "nx-button nx-step", text: S.step });
    step.addEventListener("click", function () {
      state.running = updateRunning(currentBatch(), state.running, MOMENTUM);
      render();
    });
    var reset = el("button", { type: "button", "class": "nx-button nx-reset", text: S.reset });
    reset.addEventListener("click", function () { state.running = freshRunning(C); render(); });

    editRow.appendChild(swap);
    controls.appendChild(el("div", { "class": "nx-control nx-train" }, [modeSet, el("span", { "class": "nx-buttons" }, [step, reset])]));
    root.appendChild(controls);

    var tables = el("div", { "class": "nx-tables" });
    root.appendChild(tables);
    var summary = el("p", { "class": "nx-status", "aria-live": "polite" });
    root.appendChild(summary);
    var runningBox = el("div", { "class": "nx-running" });
    root.appendChild(runningBox);

    function currentBatch() {
      return base.map(function (sample, b) {
        if (b !== edited) return sample;
        return state.edited.map(function (row) { return row.map(function (v) { return v + state.shift; }); });
      });
    }

    function table(name, kind, x) {
      var t = el("table", { "class": "nx-table", "data-tensor": kind });
      t.appendChild(el("caption", { text: name }));
      var head = el("tr", {}, [el("td", { "class": "nx-corner" })]);
      for (var c = 0; c < C; c++) head.appendChild(el("th", { scope: "col", text: S.feature(c) }));
      t.appendChild(el("thead", {}, [head]));
      var body = el("tbody");
      for (var b = 0; b < B; b++) for (var tt = 0; tt < T; tt++) {
        var tag = b === watched ? " (" + S.watch + ")" : b === edited ? " (" + S.edited + ")" : "";
        var row = el("tr", { "class": (b === watched ? "is-watched" : b === edited ? "is-edited" : "") + (tt === 0 ? " is-first" : "") });
        row.appendChild(el("th", { scope: "row", text: S.rowHead(b, tt) + (tt === 0 ? tag : "") }));
        for (var c2 = 0; c2 < C; c2++) {
          var v = x[b][tt][c2];
          var td = el("td", { "data-value": String(v), "data-b": b, "data-t": tt, "data-c": c2, text: fmt(v) });
          td.style.setProperty("--nx-v", String(Math.max(-1, Math.min(1, v / 2.5))));
          td.className = v >= 0 ? "is-pos" : "is-neg";
          row.appendChild(td);
        }
        body.appendChild(row);
      }
      t.appendChild(body);
      return t;
    }

    function maxChange(a, b2) {
      var m = 0;
      for (var t = 0; t < T; t++) for (var c = 0; c < C; c++) m = Math.max(m, Math.abs(a[watched][t][c] - b2[watched][t][c]));
      return m;
    }

    function render() {
      var x = currentBatch();
      var bn = batchNorm(x, state.running, state.training, EPS);
      var ln = layerNorm(x, EPS);
      var bnBase = batchNorm(base, state.running, state.training, EPS);
      var lnBase = layerNorm(base, EPS);
      tables.textContent = "";
      tables.appendChild(table(S.input, "input", x));
      tables.appendChild(table(S.bnOut, "bn", bn));
      tables.appendChild(table(S.lnOut, "ln", ln));
      summary.textContent = S.change(watched, maxChange(bn, bnBase).toFixed(3), maxChange(ln, lnBase).toFixed(3), state.training);
      var r = state.running;
      var rt = el("table", { "class": "nx-table nx-running-table", "data-tensor": "running" });
      rt.appendChild(el("caption", { text: S.running + " · " + S.steps(r.steps) }));
      var head = el("tr", {}, [el("td", { "class": "nx-corner" })]);
      for (var c = 0; c < C; c++) head.appendChild(el("th", { scope: "col", text: S.feature(c) }));
      rt.appendChild(el("thead", {}, [head]));
      var body = el("tbody");
      [["mean", S.runningMean, r.mean], ["var", S.runningVar, r.variance]].forEach(function (item) {
        var row = el("tr", { "data-stat": item[0] }, [el("th", { scope: "row", text: item[1] })]);
        item[2].forEach(function (v) { row.appendChild(el("td", { "data-value": String(v), text: v.toFixed(3) })); });
        body.appendChild(row);
      });
      rt.appendChild(body);
      runningBox.textContent = "";
      runningBox.appendChild(rt);
      root.dataset.steps = String(r.steps);
      root.dataset.training = state.training ? "1" : "0";
      root.dataset.shift = String(state.shift);
      root.dataset.swaps = String(state.swaps);
    }

    render();
    this.state = state;
    this.batch = currentBatch;
  }

  // ---- start --------------------------------------------------------------------------------

  var api = {
    eps: EPS,
    momentum: MOMENTUM,
    mulberry32: mulberry32,
    seededBatch: function (seed, B, T, C) { return seededBatch(seed, B, T, C).x; },
    batchNorm: batchNorm,
    layerNorm: layerNorm,
    updateRunning: updateRunning,
    sharedCells: sharedCells,
    widgets: [],
  };
  window.normExplorer = api;

  function start() {
    var nodes = document.querySelectorAll(".norm-explorer[data-explorer]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.normExplorer) return;
      var widget = node.dataset.explorer === "live" ? new LiveWidget(node) : new AxesWidget(node);
      node.normExplorer = widget;
      api.widgets.push(widget);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
