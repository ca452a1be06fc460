/**
 * Byte-array helpers of the HTTP/1.1 server and the multipart parser:
 * joining, and finding a sequence of bytes.
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

/**
 * Where `needle` (not empty) first starts in `haystack` at or after `from`,
 * or -1: a short needle such as CRLF, found by the first byte's `indexOf`.
 */
export function indexOfSequence(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first, from); i !== -1; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let match = true;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}

/** A Boyer-Moore-Horspool search for a long needle: it looks at about one byte in its length. */
export interface ByteSearch {
  /** What is searched for (not empty). */
  readonly bytes: Uint8Array;
  /** How far the window may move when its last byte is a given value. */
  readonly skip: Int32Array;
}

/**
 * Prepares a search for `bytes` (not empty), for {@linkcode indexOfBytes}.
 */
export function byteSearch(bytes: Uint8Array): ByteSearch {
  const skip = new Int32Array(256).fill(bytes.length);
  for (let i = 0; i < bytes.length - 1; i++) skip[bytes[i]!] = bytes.length - 1 - i;
  return { bytes, skip };
}

/**
 * Where the bytes `search` looks for first start in `haystack`, or -1.
 */
export function indexOfBytes(haystack: Uint8Array, search: ByteSearch): number {
  const { bytes, skip } = search;
  const last = bytes.length - 1;
  for (let end = last; end < haystack.length; end += skip[haystack[end]!]!) {
    let j = last;
    while (j >= 0 && haystack[end - last + j] === bytes[j]) j--;
    if (j < 0) return end - last;
  }
  return -1;
}
