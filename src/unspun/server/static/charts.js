// Small SVG charts built with DOM calls (no library, nothing parsed as HTML): horizontal bars
// with one or two series, a box plot of scores and a line chart of monthly values.
// Every chart is an <svg role="img"> with a <title> that says what it shows.

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Drawn at its own pixel width (never scaled up), so text keeps its size on any screen.
function frame(width, height, label) {
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": label, class: "chart" });
  root.append(svg("title", {}, label));
  return root;
}

/** A row of colour keys at the top, from x (moved left when the names would not fit). */
function legend(root, series, x, width) {
  const sizes = series.map((s) => 30 + 7.2 * s.name.length);
  let lx = Math.max(8, Math.min(x, width - sizes.reduce((a, b) => a + b, 0)));
  series.forEach((s, i) => {
    root.append(svg("rect", { x: lx, y: 6, width: 12, height: 12, rx: 2, fill: s.colour }));
    root.append(svg("text", { x: lx + 18, y: 16, class: "legend-text" }, s.name));
    lx += sizes[i];
  });
}

// The axis's top: a multiple of 4 steps that are round numbers (2.5 and 5 gave the ticks
// "6.3, 12.5, 18.8, 25" and "1.3, 2.5, 3.8, 5").
function niceMax(value) {
  if (!(value > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 4, 6, 8, 10]) if (value <= m * p * (1 + 1e-9)) return m * p;
  return 10 * p;
}

/** The five tick labels (0 to the axis's top) of an axis whose largest value is `value`. */
export function axisTicks(value) {
  const max = niceMax(value);
  return [0, 1, 2, 3, 4].map((t) => Number(((max * t) / 4).toPrecision(12)).toLocaleString("en", { maximumFractionDigits: 2 }));
}

function fmt(value, digits) {
  return Number(value).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Horizontal bars. rows: [{label, values: [number, ...], colour?}]; series: [{name, colour}].
 * One series: each bar in its row's colour (a technique's); several: bars grouped per row.
 */
export function barChart(rows, series, { label, digits = 1, unit = "", width = 560 } = {}) {
  const labelWidth = Math.min(320, 16 + 7 * Math.max(6, ...rows.map((r) => r.label.length)));
  const barH = series.length > 1 ? 11 : 16;
  const rowH = barH * series.length + 10;
  const top = series.length > 1 ? 26 : 6;
  const height = top + rows.length * rowH + 22;
  const plotW = width - labelWidth - 50;
  const max = niceMax(Math.max(0, ...rows.flatMap((r) => r.values.filter((v) => v !== null))));
  const root = frame(width, height, label);
  if (series.length > 1) legend(root, series, labelWidth, width);
  const ticks = axisTicks(max);
  for (let t = 0; t <= 4; t++) {
    const x = labelWidth + (plotW * t) / 4;
    root.append(svg("line", { x1: x, x2: x, y1: top - 2, y2: height - 20, class: "grid" }));
    root.append(svg("text", { x, y: height - 6, class: "tick", "text-anchor": "middle" }, ticks[t]));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const name = svg("text", { x: labelWidth - 8, y: y + rowH / 2 + 4, class: "row-label", "text-anchor": "end" }, row.label);
    root.append(name);
    row.values.forEach((value, j) => {
      const v = value ?? 0;
      const w = Math.max(v > 0 ? 1.5 : 0, (plotW * v) / max);
      const by = y + 5 + j * barH;
      const colour = series.length > 1 ? series[j].colour : row.colour || series[0].colour;
      const bar = svg("rect", { x: labelWidth, y: by, width: w, height: barH - 2, rx: 2, fill: colour, class: "bar" });
      bar.append(svg("title", {}, `${row.label}${series.length > 1 ? ` (${series[j].name})` : ""}: ${fmt(v, digits)}${unit}`));
      root.append(bar);
      if (v > 0 || series.length === 1) root.append(svg("text", { x: labelWidth + w + 5, y: by + barH - 3, class: "value" }, fmt(v, digits)));
    });
  });
  return root;
}

/** Box plots of score distributions on [0, 1]. boxes: [{name, colour, dist: {min,q1,median,q3,max,n}}]. */
export function boxPlot(boxes, { label, width = 560 } = {}) {
  const left = Math.min(220, 20 + 7.5 * Math.max(...boxes.map((b) => b.name.length)));
  const plotW = width - left - 110;
  const rowH = 46;
  const height = boxes.length * rowH + 34;
  const root = frame(width, height, label);
  const x = (v) => left + plotW * Math.max(0, Math.min(1, v));
  for (let t = 0; t <= 10; t += 2) {
    const gx = x(t / 10);
    root.append(svg("line", { x1: gx, x2: gx, y1: 4, y2: height - 22, class: "grid" }));
    root.append(svg("text", { x: gx, y: height - 6, class: "tick", "text-anchor": "middle" }, `${t * 10}%`));
  }
  boxes.forEach((b, i) => {
    const cy = 8 + i * rowH + rowH / 2;
    const d = b.dist || {};
    root.append(svg("text", { x: left - 10, y: cy + 4, class: "row-label", "text-anchor": "end" }, b.name));
    if (!d.n || d.median === null || d.median === undefined) {
      root.append(svg("text", { x: left + 6, y: cy + 4, class: "value" }, "no scores"));
      return;
    }
    const g = svg("g", { class: "box" });
    g.append(svg("title", {}, `${b.name}: median ${fmt(d.median * 100, 0)}%, quartiles ${fmt(d.q1 * 100, 0)}–${fmt(d.q3 * 100, 0)}%, range ${fmt(d.min * 100, 0)}–${fmt(d.max * 100, 0)}%, ${d.n} article${d.n === 1 ? "" : "s"}`));
    g.append(svg("line", { x1: x(d.min), x2: x(d.max), y1: cy, y2: cy, stroke: b.colour, "stroke-width": 2 }));
    for (const v of [d.min, d.max]) g.append(svg("line", { x1: x(v), x2: x(v), y1: cy - 8, y2: cy + 8, stroke: b.colour, "stroke-width": 2 }));
    g.append(svg("rect", { x: x(d.q1), y: cy - 13, width: Math.max(2, x(d.q3) - x(d.q1)), height: 26, rx: 3, fill: b.colour, "fill-opacity": 0.25, stroke: b.colour, "stroke-width": 2 }));
    g.append(svg("line", { x1: x(d.median), x2: x(d.median), y1: cy - 13, y2: cy + 13, stroke: b.colour, "stroke-width": 3 }));
    root.append(g);
    root.append(svg("text", { x: x(d.max) + 10, y: cy + 4, class: "value" }, `median ${fmt(d.median * 100, 0)}%`));
  });
  return root;
}

/**
 * A line chart over months. lines: [{name, colour, points: [{month: "YYYY-MM", value}]}].
 */
export function lineChart(lines, { label, digits = 1, unit = "", width = 560 } = {}) {
  const height = 240;
  const left = 44;
  const right = 30;
  const top = lines.length > 1 ? 30 : 14;
  const bottom = 34;
  const months = [...new Set(lines.flatMap((l) => l.points.map((p) => p.month)))].sort();
  const root = frame(width, height, label);
  if (!months.length) {
    root.append(svg("text", { x: width / 2, y: height / 2, class: "value", "text-anchor": "middle" }, "No dated articles"));
    return root;
  }
  const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p.value ?? 0))));
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (m) => left + (months.length === 1 ? plotW / 2 : (plotW * months.indexOf(m)) / (months.length - 1));
  const y = (v) => top + plotH - (plotH * v) / max;
  if (lines.length > 1) legend(root, lines, left, width);
  const ticks = axisTicks(max);
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    root.append(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "grid" }));
    root.append(svg("text", { x: left - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, ticks[t]));
  }
  const step = Math.max(1, Math.ceil(months.length / 8));
  months.forEach((m, i) => {
    if (i % step === 0 || i === months.length - 1) root.append(svg("text", { x: x(m), y: height - 12, class: "tick", "text-anchor": "middle" }, m));
  });
  for (const l of lines) {
    const pts = l.points.filter((p) => p.value !== null && p.value !== undefined).sort((a, b) => a.month.localeCompare(b.month));
    if (pts.length > 1) {
      root.append(svg("polyline", { points: pts.map((p) => `${x(p.month)},${y(p.value)}`).join(" "), fill: "none", stroke: l.colour, "stroke-width": 2.5, "stroke-linejoin": "round" }));
    }
    for (const p of pts) {
      const dot = svg("circle", { cx: x(p.month), cy: y(p.value), r: 4, fill: l.colour, stroke: "#fff", "stroke-width": 1.5 });
      dot.append(svg("title", {}, `${l.name}, ${p.month}: ${fmt(p.value, digits)}${unit}`));
      root.append(dot);
    }
  }
  return root;
}
