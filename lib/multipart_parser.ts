/**
 * A streaming `multipart/form-data` parser for the receiver: part contents
 * are handed on chunk by chunk as they arrive, never buffered whole.
 *
 * @module
 */

import { concatBytes } from "./_bytes.ts";

/** The headers of one part, lower-cased names. */
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
 * import { MultipartError } from "@agnes/sessions";
 *
 * console.assert(new MultipartError("Cannot parse multipart body: no boundary").name === "MultipartError");
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
 * import { parseContentDisposition } from "@agnes/sessions";
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

/**
 * Reads a multipart body, calling `onPart` with each part's headers; the
 * writer it returns receives the part's content and is closed at its end.
 * Resolves when the closing boundary has been read.
 *
 * @throws {MultipartError} for a malformed body.
 *
 * @example
 * ```ts
 * import { parseMultipart } from "@agnes/sessions";
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
  const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  let buffer: Uint8Array = new Uint8Array([13, 10]); // so the first boundary has its CRLF too
  type State = "preamble" | "after-boundary" | "headers" | "body" | "end";
  let state = "preamble" as State;
  let sink: PartSink;
  const decoder = new TextDecoder();

  async function step(final: boolean): Promise<boolean> {
    switch (state) {
      case "preamble": {
        const at = indexOfSequence(buffer, delimiter);
        if (at === -1) {
          buffer = buffer.slice(Math.max(0, buffer.length - delimiter.length));
          return false;
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = "after-boundary";
        return true;
      }
      case "after-boundary": {
        if (buffer.length < 2) return false;
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          state = "end";
          return false;
        }
        const lineEnd = indexOfSequence(buffer, new Uint8Array([13, 10]));
        if (lineEnd === -1) return false;
        buffer = buffer.subarray(lineEnd + 2); // transport padding, then CRLF
        state = "headers";
        return true;
      }
      case "headers": {
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
        for (const line of decoder.decode(buffer.subarray(0, end)).split("\r\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) {
            headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
          }
        }
        buffer = buffer.subarray(end + (empty ? 2 : 4));
        sink = await onPart(headers);
        state = "body";
        return true;
      }
      case "body": {
        const at = indexOfSequence(buffer, delimiter);
        if (at === -1) {
          const keep = final ? 0 : delimiter.length - 1;
          const safe = Math.max(0, buffer.length - keep);
          if (safe > 0) {
            await sink?.write(buffer.slice(0, safe));
            buffer = buffer.slice(safe);
          }
          return false;
        }
        if (at > 0) await sink?.write(buffer.slice(0, at));
        await sink?.close();
        sink = undefined;
        buffer = buffer.subarray(at + delimiter.length);
        state = "after-boundary";
        return true;
      }
      case "end":
        return false;
    }
  }

  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = concatBytes(buffer, value);
      while (await step(false));
      if (state === "end") break;
    }
    while (await step(true));
    if (state !== "end") throw new MultipartError("Cannot parse multipart body: it ends early");
  } catch (error) {
    await sink?.abort(error).catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
}
