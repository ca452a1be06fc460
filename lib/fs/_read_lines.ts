/**
 * Bounded line reading: a file of ours is read in fixed chunks, and no row
 * longer than the cap is ever held whole.
 *
 * @module
 */

import { assertRegularOrMissing } from "./regular_file.ts";

/** The longest queue or log row we read, in bytes; longer rows are reported, not kept. */
export const MAX_LINE_BYTES = 64 * 1024;

/** One row of a line-oriented file: its text, or why it could not be read. */
export type LineRecord =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: string; readonly preview: string };

const PREVIEW_BYTES = 200;
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads `path` line by line in bounded chunks. A row longer than `maxLineBytes`
 * is skipped to its end and reported as `overlong`; rows with NUL bytes or
 * invalid UTF-8 are reported too. A trailing `\r` is dropped. A missing file
 * reads as empty; anything but a regular file is refused.
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 *
 * @example
 * ```ts
 * import { readLines } from "./_read_lines.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\r\nb");
 * const rows = [];
 * for await (const row of readLines(path)) rows.push(row);
 * deepStrictEqual(rows, [{ ok: true, text: "a" }, { ok: true, text: "b" }]);
 * await Deno.remove(path);
 * ```
 */
export async function* readLines(
  path: string,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<LineRecord> {
  assertRegularOrMissing(path, "read");
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  try {
    const chunk = new Uint8Array(CHUNK_BYTES);
    let pending: Uint8Array = new Uint8Array(0);
    let overlong = false;
    for (;;) {
      const count = await file.read(chunk);
      if (count === null) break;
      let start = 0;
      const data = chunk.subarray(0, count);
      for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
        const piece = data.subarray(start, newline);
        const line = overlong ? pending : joinCapped(pending, piece, maxLineBytes);
        yield recordOf(line, overlong || pending.length + piece.length > maxLineBytes);
        pending = new Uint8Array(0);
        overlong = false;
        start = newline + 1;
      }
      if (!overlong) {
        const rest = data.subarray(start);
        overlong = pending.length + rest.length > maxLineBytes;
        pending = joinCapped(pending, rest, overlong ? PREVIEW_BYTES : maxLineBytes);
      }
    }
    if (pending.length > 0 || overlong) yield recordOf(pending, overlong);
  } finally {
    file.close();
  }
}

/** `head` then as much of `tail` as fits in `limit` bytes (never less than `head`). */
function joinCapped(head: Uint8Array, tail: Uint8Array, limit: number): Uint8Array {
  const length = Math.min(head.length + tail.length, Math.max(limit, head.length));
  const joined = new Uint8Array(length);
  joined.set(head.subarray(0, length));
  if (length > head.length) joined.set(tail.subarray(0, length - head.length), head.length);
  return joined;
}

function previewOf(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes.subarray(0, PREVIEW_BYTES));
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, " ");
}

function recordOf(bytes: Uint8Array, overlong: boolean): LineRecord {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d
    ? bytes.length - 1
    : bytes.length;
  const line = bytes.subarray(0, end);
  if (overlong) return { ok: false, reason: "overlong", preview: previewOf(line) };
  if (line.includes(0)) return { ok: false, reason: "nul_byte", preview: previewOf(line) };
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(line) };
  } catch {
    return { ok: false, reason: "invalid_utf8", preview: previewOf(line) };
  }
}
