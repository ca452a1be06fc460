/**
 * Byte-array helpers shared by the stream transforms (redaction, the
 * receiver's multipart parser).
 *
 * @module
 */

/** `a` followed by `b`; `b` itself when `a` is empty (no copy). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
