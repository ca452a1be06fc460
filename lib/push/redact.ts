/**
 * Redaction of JWT-shaped secrets (`eyJ…` + base64url, three dot-separated
 * parts) before anything leaves the machine: push redacts every transcript
 * and `CLAUDE.local.md` before it is uploaded. It works on bytes, not text,
 * so a transcript with invalid UTF-8 elsewhere is sent exactly as it is. The
 * streaming form, {@linkcode JwtRedactionStream}, is for transcripts too large
 * to hold whole: a token split across chunks is still found.
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
 * @example Redact a token in a buffer
 * ```ts
 * import { redactJwtBytes } from "@agnes/sessions";
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

/** `a` followed by `b`; `b` itself when `a` is empty (no copy). */
function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * A byte stream transform that replaces JWT-shaped tokens with
 * `[REDACTED-JWT]`, holding back at most one possible token between chunks.
 * It wraps a `TransformStream` made when constructed instead of subclassing
 * one, so loading this file does not load the Web streams (that costs a
 * start-up a push of small files or a scan never needs).
 *
 * @example Redact a token split across chunks
 * ```ts
 * import { JwtRedactionStream } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const chunks = ["Bearer eyJhbG", "ciOi.eyJz.c2ln rest"].map((text) => new TextEncoder().encode(text));
 * const redacted = ReadableStream.from(chunks).pipeThrough(new JwtRedactionStream());
 * deepStrictEqual(await new Response(redacted).text(), "Bearer [REDACTED-JWT] rest");
 * ```
 */
export class JwtRedactionStream implements TransformStream<Uint8Array, Uint8Array> {
  /** The redacted bytes. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Where the bytes to redact are written. */
  readonly writable: WritableStream<Uint8Array>;

  /** Creates the transform. */
  constructor() {
    let carry: Uint8Array = new Uint8Array(0);
    const transform = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const data = concatBytes(carry, chunk);
        const { output, rest } = redactJwtBytes(data, false);
        carry = rest;
        if (output.length > 0) controller.enqueue(output);
      },
      flush(controller) {
        const { output } = redactJwtBytes(carry, true);
        if (output.length > 0) controller.enqueue(output);
      },
    });
    this.readable = transform.readable;
    this.writable = transform.writable;
  }
}
