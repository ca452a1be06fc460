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
const CHUNK_BYTES = 16 * 1024;

/**
 * Reads `path` in bounded chunks and yields its rows a chunk's worth at a
 * time (the fast way to read a long file: one await per 16 KiB chunk, not per
 * row). A row longer than `maxLineBytes` is skipped to its end and reported
 * as `overlong`; rows with NUL bytes or invalid UTF-8 are reported too. A
 * trailing `\r` is dropped. A missing file reads as empty; anything but a
 * regular file is refused.
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 */
export async function* readLineBatches(
  path: string,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<LineRecord[]> {
  const file = openToRead(path);
  if (file === undefined) return;
  try {
    const chunk = new Uint8Array(chunkSize(await file.stat()));
    const carry: Carry = { pending: new Uint8Array(0), overlong: false };
    for (;;) {
      const count = await file.read(chunk);
      if (count === null) break;
      const batch = splitChunk(chunk.subarray(0, count), carry, maxLineBytes);
      if (batch.length > 0) yield batch;
    }
    const last = unfinishedRow(carry);
    if (last !== undefined) yield [last];
  } finally {
    file.close();
  }
}

/**
 * Reads `path` line by line in bounded chunks: {@linkcode readLineBatches}
 * one row at a time.
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 */
export async function* readLines(
  path: string,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<LineRecord> {
  for await (const batch of readLineBatches(path, maxLineBytes)) yield* batch;
}

/**
 * {@linkcode readLineBatches} with synchronous reads, for small files of ours
 * read on a path where an await per file costs more than the read (the
 * upload ledger's shards).
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 */
export function* readLineBatchesSync(
  path: string,
  maxLineBytes: number = MAX_LINE_BYTES,
): Generator<LineRecord[]> {
  const file = openToRead(path);
  if (file === undefined) return;
  try {
    const chunk = new Uint8Array(chunkSize(file.statSync()));
    const carry: Carry = { pending: new Uint8Array(0), overlong: false };
    for (let count = file.readSync(chunk); count !== null; count = file.readSync(chunk)) {
      const batch = splitChunk(chunk.subarray(0, count), carry, maxLineBytes);
      if (batch.length > 0) yield batch;
    }
    const last = unfinishedRow(carry);
    if (last !== undefined) yield [last];
  } finally {
    file.close();
  }
}

/**
 * How many rows `path` holds (its line ends, plus an unfinished last row),
 * counted in bounded chunks without decoding; 0 when it is missing.
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 */
export function countRows(path: string): number {
  const file = openToRead(path);
  if (file === undefined) return 0;
  try {
    const chunk = new Uint8Array(64 * 1024);
    let [rows, last] = [0, 0x0a];
    for (let count = file.readSync(chunk); count !== null; count = file.readSync(chunk)) {
      const data = chunk.subarray(0, count);
      for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) rows++;
      last = data[count - 1]!;
    }
    return last === 0x0a ? rows : rows + 1;
  } finally {
    file.close();
  }
}

/** `path` open for reading, or `undefined` when it is missing; refused when it is not a regular file. */
function openToRead(path: string): Deno.FsFile | undefined {
  assertRegularOrMissing(path, "read");
  try {
    return Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** The row a file ended without a line end, held in `carry`, if any. */
function unfinishedRow(carry: Carry): LineRecord | undefined {
  return carry.pending.length > 0 || carry.overlong
    ? recordOf(carry.pending, carry.overlong)
    : undefined;
}

/** 16 KiB, or less for a smaller file (a little more than its size, so one read finds its end). */
function chunkSize(info: Deno.FileInfo): number {
  return Math.max(1024, Math.min(CHUNK_BYTES, info.size + 1));
}

/** The start of a row that continues in the next chunk (capped), and whether it is already too long. */
interface Carry {
  pending: Uint8Array;
  overlong: boolean;
}

/** The rows a chunk completes; its unfinished last row goes into `carry`. */
function splitChunk(data: Uint8Array, carry: Carry, maxLineBytes: number): LineRecord[] {
  const batch: LineRecord[] = [];
  const first = data.indexOf(0x0a);
  let start = 0;
  if (first !== -1) {
    const piece = data.subarray(0, first);
    const tooLong = carry.overlong || carry.pending.length + piece.length > maxLineBytes;
    const line = carry.overlong ? carry.pending : joinCapped(carry.pending, piece, maxLineBytes);
    batch.push(recordOf(line, tooLong));
    carry.pending = new Uint8Array(0);
    carry.overlong = false;
    const last = data.lastIndexOf(0x0a);
    if (last > first) splitWholeRows(data.subarray(first + 1, last), batch, maxLineBytes);
    start = last + 1;
  }
  if (!carry.overlong) {
    const rest = data.subarray(start);
    carry.overlong = carry.pending.length + rest.length > maxLineBytes;
    const cap = carry.overlong ? PREVIEW_BYTES : maxLineBytes;
    carry.pending = joinCapped(carry.pending, rest, cap);
  }
  return batch;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Rows separated by `\n` within one chunk, appended to `batch`: decoded in one
 * go when the whole region is valid (no NUL, valid UTF-8, no row near the
 * cap), else row by row.
 */
function splitWholeRows(region: Uint8Array, batch: LineRecord[], maxLineBytes: number): void {
  const text = region.includes(0) ? undefined : decodeOrUndefined(region);
  const rows = text?.split("\n");
  if (rows !== undefined && rows.every((row) => row.length * 3 <= maxLineBytes)) {
    for (const row of rows) {
      batch.push({ ok: true, text: row.endsWith("\r") ? row.slice(0, -1) : row });
    }
    return;
  }
  let start = 0;
  for (let newline = region.indexOf(0x0a);; newline = region.indexOf(0x0a, start)) {
    const end = newline === -1 ? region.length : newline;
    const line = region.subarray(start, end);
    batch.push(recordOf(line.subarray(0, Math.max(maxLineBytes, 0)), line.length > maxLineBytes));
    if (newline === -1) return;
    start = newline + 1;
  }
}

function decodeOrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
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
  const text = decodeOrUndefined(line);
  if (text === undefined) return { ok: false, reason: "invalid_utf8", preview: previewOf(line) };
  return { ok: true, text };
}
