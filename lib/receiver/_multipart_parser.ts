/**
 * A streaming `multipart/form-data` parser for the receiver: part contents
 * are handed on chunk by chunk as they arrive, never buffered whole.
 *
 * Everything outside part content is capped ({@linkcode MULTIPART_LIMITS}):
 * the preamble before the first boundary, the transport padding between a
 * boundary and its line end, and a part's header section. Past a cap the
 * parser throws at once. Each search resumes where the previous one stopped,
 * so every byte is scanned a bounded number of times, and the bytes held
 * between chunks never exceed a cap plus one chunk.
 *
 * @module
 */

import type { ByteSource } from "./_byte_source.ts";
import {
  type ByteSearch,
  byteSearch,
  concatBytes,
  indexOfBytes,
  indexOfSequence,
} from "./_bytes.ts";

/** The headers of one part, by lower-cased name. */
export type PartHeaders = Map<string, string>;

/**
 * Where a part's content is written, chunk by chunk, then closed (or aborted
 * when the body fails). A `WritableStreamDefaultWriter` is one.
 */
export interface PartWriter {
  /** Takes the next chunk of the part's content. */
  write(chunk: Uint8Array): Promise<void>;
  /** The part ended. */
  close(): Promise<void>;
  /** The body failed before the part ended. */
  abort(reason?: unknown): Promise<void>;
}

/** Where a part's content goes: a writer, or `undefined` to discard it. */
export type PartSink = PartWriter | undefined;

/** The caps on what is not part content, in bytes. */
export const MULTIPART_LIMITS = {
  /** Bytes before the first boundary. */
  preambleBytes: 16 * 1024,
  /** Bytes between a boundary and the CRLF that ends its line (transport padding). */
  boundaryLineBytes: 1024,
  /** A part's header section. */
  headerBytes: 16 * 1024,
} as const;

const CRLF = new Uint8Array([13, 10]);
const CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);

/**
 * Thrown for a body that is not the multipart it claims to be.
 */
export class MultipartError extends Error {
  /** Always `"MultipartError"`. */
  override name = "MultipartError";
}

/**
 * The `name` and `filename` parameters of a `Content-Disposition` header.
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
type Stage = "start" | "preamble" | "after-boundary" | "headers" | "body" | "end";

/** The parser's state, passed to each step. */
interface ParserState {
  /** `\r\n--<boundary>`, and how to search for it. */
  readonly delimiter: ByteSearch;
  /** Called with each part's headers; returns where its content goes. */
  readonly onPart: (headers: PartHeaders) => PartSink | Promise<PartSink>;
  /** Bytes received and not yet consumed. */
  buffer: Uint8Array;
  /** How much of `buffer` the current stage has searched without finding its mark. */
  searched: number;
  /** Preamble bytes skipped so far. */
  preamble: number;
  stage: Stage;
  /** Where the current part's content goes. */
  sink: PartSink;
}

function malformed(problem: string): MultipartError {
  return new MultipartError(`Cannot parse multipart body: ${problem}`);
}

/** Moves to `stage` with `rest` as the unconsumed bytes. */
function enter(state: ParserState, stage: Stage, rest: Uint8Array): true {
  state.stage = stage;
  state.buffer = rest;
  state.searched = 0;
  return true;
}

/**
 * The body's first bytes: `--<boundary>` at once (the usual case, taken
 * without copying the chunk), or else a preamble, searched for a delimiter
 * with a CRLF put in front so a boundary right at the start is not missed.
 */
function stepStart(state: ParserState): boolean {
  const { buffer } = state;
  const dashBoundary = state.delimiter.bytes.subarray(CRLF.length);
  for (let i = 0; i < Math.min(buffer.length, dashBoundary.length); i++) {
    if (buffer[i] !== dashBoundary[i]) return enter(state, "preamble", concatBytes(CRLF, buffer));
  }
  if (buffer.length < dashBoundary.length) return false;
  return enter(state, "after-boundary", buffer.subarray(dashBoundary.length));
}

/** Skips the preamble up to the first delimiter, keeping only a tail that may start one. */
function stepPreamble(state: ParserState): boolean {
  const { buffer, delimiter: { bytes: delimiter } } = state;
  const at = indexOfBytes(buffer, state.delimiter);
  const skipped = at === -1 ? Math.max(0, buffer.length - (delimiter.length - 1)) : at;
  state.preamble += skipped;
  if (state.preamble > MULTIPART_LIMITS.preambleBytes) { // bytes sent before the first `--<boundary>`
    throw malformed(`no boundary in the first ${MULTIPART_LIMITS.preambleBytes} bytes`);
  }
  if (at === -1) {
    state.buffer = buffer.subarray(skipped);
    return false;
  }
  return enter(state, "after-boundary", buffer.subarray(at + delimiter.length));
}

/** After a delimiter: `--` ends the body; otherwise transport padding, then CRLF. */
function stepAfterBoundary(state: ParserState): boolean {
  const { buffer } = state;
  if (buffer.length < 2) return false;
  if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
    state.stage = "end";
    return false;
  }
  const cap = MULTIPART_LIMITS.boundaryLineBytes;
  const lineEnd = indexOfSequence(buffer, CRLF, Math.max(0, state.searched - 1));
  if (lineEnd > cap || (lineEnd === -1 && buffer.length > cap + 1)) {
    throw malformed(`no line end within ${cap} bytes after a boundary`);
  }
  if (lineEnd === -1) {
    state.searched = buffer.length;
    return false;
  }
  return enter(state, "headers", buffer.subarray(lineEnd + 2));
}

/** The header lines of a part, by lower-cased name. */
function parsePartHeaders(section: Uint8Array): PartHeaders {
  const headers: PartHeaders = new Map();
  for (const line of new TextDecoder().decode(section).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return headers;
}

/** Parses a part's header section (capped) and asks where its content goes. */
async function stepHeaders(state: ParserState): Promise<boolean> {
  const { buffer } = state;
  const cap = MULTIPART_LIMITS.headerBytes;
  let end = 0;
  let skip = 2; // an empty header section is just its closing CRLF
  if (buffer[0] !== 13 || buffer[1] !== 10) {
    end = indexOfSequence(buffer, CRLF_CRLF, Math.max(0, state.searched - 3));
    if (end > cap || (end === -1 && buffer.length > cap + 3)) {
      throw malformed(`part headers longer than ${cap} bytes`);
    }
    if (end === -1) {
      state.searched = buffer.length;
      return false;
    }
    skip = 4;
  }
  const headers = parsePartHeaders(buffer.subarray(0, end));
  enter(state, "body", buffer.subarray(end + skip));
  state.sink = await state.onPart(headers);
  return true;
}

/**
 * How many bytes at the end of `buffer` may be the start of `delimiter`
 * (it starts with CR, so only from a CR in its last `delimiter.length - 1`
 * bytes). Usually none: then nothing is held back and the next chunk needs
 * no copy to be searched.
 */
function heldBack(buffer: Uint8Array, delimiter: Uint8Array): number {
  const window = Math.max(0, buffer.length - (delimiter.length - 1));
  for (let at = buffer.indexOf(13, window); at !== -1; at = buffer.indexOf(13, at + 1)) {
    let j = 1;
    while (at + j < buffer.length && buffer[at + j] === delimiter[j]) j++;
    if (at + j === buffer.length) return buffer.length - at;
  }
  return 0;
}

/** Hands part content on up to the next delimiter, holding back only what may start one. */
async function stepBody(state: ParserState, final: boolean): Promise<boolean> {
  const { buffer, delimiter: { bytes: delimiter } } = state;
  const at = indexOfBytes(buffer, state.delimiter);
  if (at === -1) {
    const safe = buffer.length - (final ? 0 : heldBack(buffer, delimiter));
    if (safe > 0) {
      await state.sink?.write(buffer.subarray(0, safe));
      state.buffer = buffer.subarray(safe);
    }
    return false;
  }
  if (at > 0) await state.sink?.write(buffer.subarray(0, at));
  const sink = state.sink;
  state.sink = undefined;
  await sink?.close();
  return enter(state, "after-boundary", buffer.subarray(at + delimiter.length));
}

/** One step of the parser; `true` when it consumed something and may step again. */
function step(state: ParserState, final: boolean): boolean | Promise<boolean> {
  switch (state.stage) {
    case "start":
      return stepStart(state);
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

/** A cap on a whole multipart body, for {@linkcode parseMultipart}. */
export interface BodyCap {
  /** The most bytes the body may have. */
  maxBytes: number;
  /** The error thrown past `maxBytes`. */
  tooLarge: () => Error;
}

/**
 * Reads a multipart body, calling `onPart` with each part's headers; the
 * writer it returns receives the part's content and is closed at its end.
 * Resolves when the closing boundary has been read, and what follows it
 * (up to 16 KiB) too.
 *
 * @throws {MultipartError} for a malformed body, or one past a cap of
 * {@linkcode MULTIPART_LIMITS}.
 * @throws {Error} `cap.tooLarge()` for a body over `cap.maxBytes` (parts
 * nobody stores included).
 */
export async function parseMultipart(
  body: ByteSource,
  boundary: string,
  onPart: (headers: PartHeaders) => PartSink | Promise<PartSink>,
  cap: BodyCap = { maxBytes: Infinity, tooLarge: () => new RangeError("too large") },
): Promise<void> {
  const state: ParserState = {
    delimiter: byteSearch(new TextEncoder().encode(`\r\n--${boundary}`)),
    onPart,
    buffer: new Uint8Array(0),
    searched: 0,
    preamble: 0,
    stage: "start",
    sink: undefined,
  };
  try {
    for (let total = 0;;) {
      const chunk = await body.read();
      if (chunk === null) break;
      total += chunk.length;
      if (total > cap.maxBytes) throw cap.tooLarge();
      state.buffer = concatBytes(state.buffer, chunk);
      while (await step(state, false));
      if (state.stage === "end") {
        await skipEpilogue(body, state.buffer.length);
        break;
      }
    }
    while (await step(state, true));
    if (state.stage !== "end") throw malformed("it ends early");
  } catch (error) {
    await state.sink?.abort(error).catch(() => {});
    throw error;
  }
}

/** Reads and drops what follows the closing delimiter (usually a CRLF), up to the preamble cap. */
async function skipEpilogue(body: ByteSource, held: number): Promise<void> {
  for (let skipped = held; skipped <= MULTIPART_LIMITS.preambleBytes;) {
    const chunk = await body.read();
    if (chunk === null) return;
    skipped += chunk.length;
  }
}
