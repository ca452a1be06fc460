/**
 * A streaming `multipart/form-data` parser for the receiver: part contents
 * are handed on chunk by chunk as they arrive, never buffered whole.
 *
 * @module
 */

import { concatBytes } from "./_bytes.ts";

/** The headers of one part, by lower-cased name. */
export type PartHeaders = Map<string, string>;

/** Where a part's content goes: a writer, or `undefined` to discard it. */
export type PartSink = WritableStreamDefaultWriter<Uint8Array> | undefined;

const CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);
const MAX_HEADER_BYTES = 16 * 1024;

function indexOfSequence(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
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

/**
 * Thrown for a body that is not the multipart it claims to be.
 *
 * @example
 * ```ts
 * import { MultipartError } from "./_multipart_parser.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(new MultipartError("Cannot parse multipart body: no boundary").name, "MultipartError");
 * ```
 */
export class MultipartError extends Error {
  /** Always `"MultipartError"`. */
  override name = "MultipartError";
}

/**
 * The `name` and `filename` parameters of a `Content-Disposition` header.
 *
 * @example
 * ```ts
 * import { parseContentDisposition } from "./_multipart_parser.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseContentDisposition('form-data; name="file"; filename="a.jsonl"'), {
 *   name: "file",
 *   filename: "a.jsonl",
 * });
 * ```
 */
export function parseContentDisposition(value: string): { name?: string; filename?: string } {
  const result: { name?: string; filename?: string } = {};
  for (const match of value.matchAll(/;\s*(name|filename)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi)) {
    const key = match[1]!.toLowerCase() as "name" | "filename";
    result[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!;
  }
  return result;
}

/** Where the parser is in the body. */
type Stage = "preamble" | "after-boundary" | "headers" | "body" | "end";

/** The parser's state, passed to each step. */
interface ParserState {
  /** `\r\n--<boundary>`. */
  readonly delimiter: Uint8Array;
  /** Called with each part's headers; returns where its content goes. */
  readonly onPart: (headers: PartHeaders) => PartSink | Promise<PartSink>;
  /** Bytes received and not yet consumed. */
  buffer: Uint8Array;
  stage: Stage;
  /** Where the current part's content goes. */
  sink: PartSink;
}

const CRLF = new Uint8Array([13, 10]);

/** Skips the preamble up to the first delimiter, keeping only a tail that may start one. */
function stepPreamble(state: ParserState): boolean {
  const at = indexOfSequence(state.buffer, state.delimiter);
  if (at === -1) {
    state.buffer = state.buffer.slice(Math.max(0, state.buffer.length - state.delimiter.length));
    return false;
  }
  state.buffer = state.buffer.subarray(at + state.delimiter.length);
  state.stage = "after-boundary";
  return true;
}

/** After a delimiter: `--` ends the body; otherwise transport padding, then CRLF. */
function stepAfterBoundary(state: ParserState): boolean {
  if (state.buffer.length < 2) return false;
  if (state.buffer[0] === 0x2d && state.buffer[1] === 0x2d) {
    state.stage = "end";
    return false;
  }
  const lineEnd = indexOfSequence(state.buffer, CRLF);
  if (lineEnd === -1) return false;
  state.buffer = state.buffer.subarray(lineEnd + 2);
  state.stage = "headers";
  return true;
}

/** Parses a part's header section (capped) and asks where its content goes. */
async function stepHeaders(state: ParserState): Promise<boolean> {
  const { buffer } = state;
  const at = indexOfSequence(buffer, CRLF_CRLF);
  const empty = buffer[0] === 13 && buffer[1] === 10;
  if (at === -1 && !empty) {
    if (buffer.length > MAX_HEADER_BYTES) {
      throw new MultipartError("Cannot parse multipart body: part headers too long");
    }
    return false;
  }
  const end = empty ? 0 : at;
  const headers: PartHeaders = new Map();
  for (const line of new TextDecoder().decode(buffer.subarray(0, end)).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  state.buffer = buffer.subarray(end + (empty ? 2 : 4));
  state.sink = await state.onPart(headers);
  state.stage = "body";
  return true;
}

/** Hands part content on up to the next delimiter, holding back only what may start one. */
async function stepBody(state: ParserState, final: boolean): Promise<boolean> {
  const { buffer, delimiter } = state;
  const at = indexOfSequence(buffer, delimiter);
  if (at === -1) {
    const safe = Math.max(0, buffer.length - (final ? 0 : delimiter.length - 1));
    if (safe > 0) {
      await state.sink?.write(buffer.slice(0, safe));
      state.buffer = buffer.slice(safe);
    }
    return false;
  }
  if (at > 0) await state.sink?.write(buffer.slice(0, at));
  await state.sink?.close();
  state.sink = undefined;
  state.buffer = buffer.subarray(at + delimiter.length);
  state.stage = "after-boundary";
  return true;
}

/** One step of the parser; `true` when it consumed something and may step again. */
function step(state: ParserState, final: boolean): boolean | Promise<boolean> {
  switch (state.stage) {
    case "preamble":
      return stepPreamble(state);
    case "after-boundary":
      return stepAfterBoundary(state);
    case "headers":
      return stepHeaders(state);
    case "body":
      return stepBody(state, final);
    case "end":
      return false;
  }
}

/**
 * Reads a multipart body, calling `onPart` with each part's headers; the
 * writer it returns receives the part's content and is closed at its end.
 * Resolves when the closing boundary has been read.
 *
 * @throws {MultipartError} for a malformed body.
 *
 * @example
 * ```ts
 * import { parseMultipart } from "./_multipart_parser.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const body = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nhello\r\n--b--\r\n";
 * const names: string[] = [];
 * await parseMultipart(ReadableStream.from([new TextEncoder().encode(body)]), "b", (headers) => {
 *   names.push(headers.get("content-disposition") ?? "");
 *   return undefined;
 * });
 * deepStrictEqual(names, ['form-data; name="x"']);
 * ```
 */
export async function parseMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  onPart: (headers: PartHeaders) => PartSink | Promise<PartSink>,
): Promise<void> {
  const state: ParserState = {
    delimiter: new TextEncoder().encode(`\r\n--${boundary}`),
    onPart,
    buffer: CRLF, // so the first boundary has its CRLF too
    stage: "preamble",
    sink: undefined,
  };
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      state.buffer = concatBytes(state.buffer, value);
      while (await step(state, false));
      if (state.stage === "end") break;
    }
    while (await step(state, true));
    if (state.stage !== "end") {
      throw new MultipartError("Cannot parse multipart body: it ends early");
    }
  } catch (error) {
    await state.sink?.abort(error).catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
}
