// Code-point offsets (what the API speaks) against UTF-16 indices (what JS strings use).
// An emoji or any astral character is one code point but two UTF-16 units.

/** Int32Array `map` with map[cp] = the UTF-16 index of code point `cp` (map[length] = text.length). */
export function codePointIndex(text) {
  const n = text.length;
  const map = new Int32Array(n + 1);
  let cp = 0;
  for (let i = 0; i < n; i++) {
    map[cp++] = i;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  map[cp] = n;
  return map.subarray(0, cp + 1);
}

/** The code-point offset of UTF-16 index `u` (the code point that holds it). */
export function toCodePoint(map, u) {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid] <= u) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The UTF-16 index of code-point offset `cp` (clamped to the text). */
export function toUtf16(map, cp) {
  return map[Math.max(0, Math.min(cp, map.length - 1))];
}
