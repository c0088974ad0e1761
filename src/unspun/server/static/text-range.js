// Between code-point ranges of the article text and DOM ranges of its rendering: the text box
// holds the article's text nodes only (highlights and anchors are elements around them).

import { toCodePoint, toUtf16 } from "./offsets.js";

/** Select [start, end) (code points) of the text rendered in `box` and scroll to it. */
export function selectText(box, map, { start, end }) {
  const u0 = toUtf16(map, start);
  const u1 = toUtf16(map, end);
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const next = seen + node.data.length;
    if (!started && u0 < next) {
      range.setStart(node, u0 - seen);
      started = true;
    }
    if (started && u1 <= next) {
      range.setEnd(node, u1 - seen);
      break;
    }
    seen = next;
  }
  if (!started) return;
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  range.startContainer.parentElement.scrollIntoView({ block: "center" });
}

/**
 * The code-point range {start, end} of the user's selection inside `box` (white space at its
 * edges left out), or null when nothing in the box is selected.
 */
export function selectedRange(box, map, text) {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(box, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const u0 = before.toString().length;
  const u1 = u0 + range.toString().length;
  let start = toCodePoint(map, u0);
  let end = toCodePoint(map, u1);
  const at = (cp) => text.slice(toUtf16(map, cp), toUtf16(map, cp + 1));
  while (start < end && /\s/.test(at(start))) start++;
  while (end > start && /\s/.test(at(end - 1))) end--;
  return end > start ? { start, end } : null;
}

/** The code-point range of `quote` in `text`: `preferred` when it holds the quote, else its first occurrence. */
export function locateQuote(map, text, quote, preferred) {
  if (preferred && text.slice(toUtf16(map, preferred.start), toUtf16(map, preferred.end)) === quote) return preferred;
  const u = text.indexOf(quote);
  if (u < 0) return null;
  return { start: toCodePoint(map, u), end: toCodePoint(map, u + quote.length) };
}
