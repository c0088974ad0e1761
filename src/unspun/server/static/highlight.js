// The article text with its technique spans as one DocumentFragment, built in one pass.
//
// Contract (issue 17): every span is ONE <mark> carrying data-technique, data-start and
// data-end (code-point offsets). Nested spans nest. A span that crosses another one's end
// goes on after it as a continuation piece (class "cont", data-cont, data-of) that carries
// no data-technique, so a test counting [data-technique] elements sees one per span.

import { codePointIndex, toUtf16 } from "./offsets.js";

const MAX_DEPTH_CLASS = 4;

function openMark(span, continuation) {
  const mark = document.createElement("mark");
  mark.className = continuation ? "hl cont" : "hl";
  if (continuation) {
    mark.dataset.cont = span.technique;
    mark.dataset.of = span.key;
  } else {
    mark.dataset.technique = span.technique;
    mark.dataset.start = String(span.start);
    mark.dataset.end = String(span.end);
    mark.dataset.id = span.key;
    mark.tabIndex = 0;
  }
  const fb = span.attrs && span.attrs.feedback;
  if (fb) mark.classList.add(`fb-${fb}`);
  return mark;
}

/** Code-point offsets where a block of text starts: after each run of blank lines. */
function blockStarts(text, map) {
  const starts = [];
  const re = /\n[ \t\r]*\n\s*/g;
  let m;
  while ((m = re.exec(text))) {
    const u = m.index + m[0].length;
    if (u < text.length) starts.push(u);
  }
  // UTF-16 index to code point: the map is sorted, walk it once.
  const out = [];
  let cp = 0;
  for (const u of starts) {
    while (map[cp] < u) cp++;
    out.push(cp);
  }
  return out;
}

/**
 * Build the highlighted text.
 * spans: [{key, start, end, technique, attrs}] (code points); paragraphs: [{number, start}].
 * The text is cut into blocks at blank lines (class "tb"), so that the browser lays out only
 * the blocks in view (content-visibility); a span running over a blank line goes on in the
 * next block as a continuation piece.
 * Returns {fragment, marks: Map key -> [element, ...continuations], map (code point index)}.
 */
export function buildHighlights(text, spans, paragraphs = []) {
  const map = codePointIndex(text);
  const last = map.length - 1;
  const valid = spans.filter((s) => s.start >= 0 && s.end > s.start && s.end <= last);
  const sorted = [...valid].sort((a, b) => a.start - b.start || b.end - a.end);
  const points = new Set();
  for (const s of sorted) {
    points.add(s.start);
    points.add(s.end);
  }
  const paraAt = new Map();
  for (const p of paragraphs) {
    if (p.start >= 0 && p.start <= last) {
      points.add(p.start);
      paraAt.set(p.start, p.number);
    }
  }
  const blocks = new Set(blockStarts(text, map));
  for (const b of blocks) points.add(b);
  const order = [...points].sort((a, b) => a - b);

  const fragment = document.createDocumentFragment();
  const newBlock = () => {
    const div = document.createElement("div");
    div.className = "tb";
    fragment.append(div);
    return div;
  };
  let block = newBlock();
  const marks = new Map();
  const stack = []; // {span, el, height}
  const parent = () => (stack.length ? stack[stack.length - 1].el : block);
  // Heights (how many marks nest inside) space the underlines of nested marks apart.
  const close = (entry, outer) => {
    const h = Math.min(entry.height, MAX_DEPTH_CLASS);
    if (h > 0) entry.el.classList.add(`h${h}`);
    if (outer) outer.height = Math.max(outer.height, entry.height + 1);
  };
  let pos = 0; // UTF-16 index written so far
  let next = 0; // index into sorted

  for (const point of order) {
    const u = toUtf16(map, point);
    if (u > pos) parent().append(text.slice(pos, u));
    pos = u;
    // Close every span that ends here; spans above one that ends go on as continuations.
    // At a block start every open span is closed, to go on in the new block.
    const k = blocks.has(point) ? (stack.length ? 0 : -1) : stack.findIndex((e) => e.span.end <= point);
    if (blocks.has(point) && k === -1) block = newBlock();
    if (k !== -1) {
      const above = stack.splice(k);
      for (let i = above.length - 1; i >= 0; i--) close(above[i], i > 0 ? above[i - 1] : stack[stack.length - 1]);
      if (blocks.has(point)) block = newBlock();
      for (const entry of above) {
        if (entry.span.end > point) {
          const el = openMark(entry.span, true);
          parent().append(el);
          marks.get(entry.span.key).push(el);
          stack.push({ span: entry.span, el, height: 0 });
        }
      }
    }
    if (paraAt.has(point)) {
      const anchor = document.createElement("span");
      anchor.className = "para";
      anchor.id = `para-${paraAt.get(point)}`;
      parent().append(anchor);
    }
    while (next < sorted.length && sorted[next].start === point) {
      const span = sorted[next++];
      const el = openMark(span, false);
      parent().append(el);
      marks.set(span.key, [el]);
      stack.push({ span, el, height: 0 });
    }
  }
  if (pos < text.length) parent().append(text.slice(pos));
  while (stack.length) {
    const entry = stack.pop();
    close(entry, stack[stack.length - 1]);
  }
  return { fragment, marks, map };
}
