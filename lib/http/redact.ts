/**
 * Redaction of JWT-shaped secrets (`eyJ…` + base64url, three dot-separated
 * parts) before anything leaves the machine. It works on bytes, not text, so
 * a transcript with invalid UTF-8 elsewhere is sent exactly as it is. The
 * streaming form is {@linkcode JwtRedactionStream} (`redact_stream.ts`).
 *
 * @module
 */

/** What a redacted token is replaced with. */
export const JWT_REPLACEMENT = "[REDACTED-JWT]";

const REPLACEMENT_BYTES = new TextEncoder().encode(JWT_REPLACEMENT);
/** A run longer than this is not treated as a token (bounds what is held back). */
const MAX_TOKEN_BYTES = 64 * 1024;

const BASE64URL = new Uint8Array(256);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
  BASE64URL[char.charCodeAt(0)] = 1;
}
const DOT = 0x2e;

/**
 * Where the JWT starting at `start` ends: its end offset, `-1` when it is not
 * a JWT, or `Infinity` when the data ends before we can tell.
 */
function tokenEnd(data: Uint8Array, start: number, final: boolean): number {
  let index = start + 3; // past "eyJ"
  for (let part = 0; part < 3; part++) {
    const from = index;
    while (index < data.length && BASE64URL[data[index]!]) index++;
    if (index >= data.length) {
      if (!final && index - start <= MAX_TOKEN_BYTES) return Infinity;
      return part === 2 && index > from ? index : -1;
    }
    if (index === from && part > 0) return -1;
    if (part < 2) {
      if (data[index] !== DOT) return -1;
      index++;
    }
  }
  return index;
}

/**
 * Where the next token may start at or after `from`: an `eyJ`, else an `e` in
 * the last two bytes (maybe the start of a token the next chunk finishes), else
 * -1. It looks for the `J`, far rarer in a transcript than an `e`.
 */
function findTokenStart(data: Uint8Array, from: number): number {
  for (let j = data.indexOf(0x4a, from + 2); j !== -1; j = data.indexOf(0x4a, j + 1)) {
    if (data[j - 1] === 0x79 && data[j - 2] === 0x65) return j - 2;
  }
  for (let index = Math.max(from, data.length - 2); index < data.length; index++) {
    if (data[index] === 0x65) return index;
  }
  return -1;
}

/**
 * Redacts every JWT in `data`. With `final` false, returns also the tail that
 * may be the start of a token continued in the next chunk.
 *
 * @example
 * ```ts
 * import { redactJwtBytes } from "./redact.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const input = new TextEncoder().encode('{"t":"eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl"}');
 * const { output } = redactJwtBytes(input, true);
 * deepStrictEqual(new TextDecoder().decode(output), '{"t":"[REDACTED-JWT]"}');
 * ```
 */
export function redactJwtBytes(
  data: Uint8Array,
  final: boolean,
): { output: Uint8Array; rest: Uint8Array } {
  const parts: Uint8Array[] = [];
  let emitted = 0;
  let search = 0;
  let rest: Uint8Array = new Uint8Array(0);
  for (;;) {
    const start = findTokenStart(data, search);
    if (start === -1) break;
    const end = start + 2 >= data.length ? (final ? -1 : Infinity) : tokenEnd(data, start, final);
    if (end === Infinity) {
      rest = data.slice(start);
      parts.push(data.subarray(emitted, start));
      emitted = data.length;
      break;
    }
    if (end === -1) {
      search = start + 1;
      continue;
    }
    parts.push(data.subarray(emitted, start), REPLACEMENT_BYTES);
    emitted = search = end;
  }
  if (parts.length === 0) return { output: data, rest }; // nothing to redact: no copy
  if (emitted < data.length) parts.push(data.subarray(emitted));
  const output = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return { output, rest };
}
