/**
 * Reading the session queue and its snapshots: rows parsed in bounded chunks,
 * deduplicated, and the rows that cannot be parsed reported, never silently
 * dropped.
 *
 * @module
 */

import { type LineRecord, readLineBatchesSync } from "../fs/read_lines.ts";
import { dedupeEntries, parseQueueLine, type QueueEntry } from "./queue_entry.ts";

/** A row that could not be parsed: reported in the failed log, never silently dropped. */
export interface MalformedRow {
  /** The file it was read from. */
  file: string;
  /** `overlong`, `nul_byte`, `invalid_utf8`, `empty_path` or `control_character`. */
  reason: string;
  /** The start of the row with control characters blanked, for the log. */
  preview: string;
}

/** What a queue or snapshot file holds. */
export interface QueueContents {
  /** Parsed entries, deduplicated, in file order. */
  entries: QueueEntry[];
  /** Rows that could not be parsed. */
  malformed: MalformedRow[];
}

/** One row of a queue file: an entry, or a row that could not be parsed. */
export type QueueRow = QueueEntry | MalformedRow;

/** Parses one row read from `file`; `undefined` for a blank row. */
function parseRow(file: string, row: LineRecord): QueueRow | undefined {
  if (!row.ok) return { file, reason: row.reason, preview: row.preview };
  const parsed = parseQueueLine(row.text);
  if (typeof parsed !== "string") return parsed;
  return { file, reason: parsed, preview: row.text.replaceAll("\t", " ") };
}

/**
 * Streams a queue or snapshot file's rows a chunk's worth (16 KiB) at a
 * time, each an entry or a row that cannot be parsed, in file order and not
 * deduplicated; blank rows are skipped. Memory stays the same however long
 * the file is. The reads are synchronous: a file of ours, read in small
 * pieces, costs less that way than an await per piece. A missing file reads as empty; anything but a
 * regular file is refused.
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 *
 * @example
 * ```ts
 * import { readQueueRows } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\t/a.jsonl\n\nbad\0row\n");
 * const rows = [];
 * for (const batch of readQueueRows(path)) {
 *   for (const row of batch) rows.push("reason" in row ? row.reason : row.path);
 * }
 * deepStrictEqual(rows, ["/a.jsonl", "nul_byte"]);
 * await Deno.remove(path);
 * ```
 */
export function* readQueueRows(path: string): Generator<QueueRow[]> {
  for (const lines of readLineBatchesSync(path)) {
    const rows: QueueRow[] = [];
    for (const line of lines) {
      const row = parseRow(path, line);
      if (row !== undefined) rows.push(row);
    }
    yield rows;
  }
}

/**
 * Reads a whole queue or snapshot file: its entries deduplicated, and its
 * rows that cannot be parsed. For a file of any length, stream it with
 * {@linkcode readQueueRows}.
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 *
 * @example
 * ```ts
 * import { readQueueFile } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\t/a.jsonl\na\t/a.jsonl\n\n/legacy.jsonl\r\n");
 * const { entries, malformed } = await readQueueFile(path);
 * deepStrictEqual(entries.map((entry) => entry.path), ["/a.jsonl", "/legacy.jsonl"]);
 * deepStrictEqual(malformed, []);
 * await Deno.remove(path);
 * ```
 */
export function readQueueFile(path: string): Promise<QueueContents> {
  const entries: QueueEntry[] = [];
  const malformed: MalformedRow[] = [];
  try {
    for (const batch of readQueueRows(path)) {
      for (const row of batch) {
        if ("reason" in row) malformed.push(row);
        else entries.push(row);
      }
    }
  } catch (error) {
    return Promise.reject(error); // a refusal rejects, as it did when the reads were async
  }
  return Promise.resolve({ entries: dedupeEntries(entries), malformed });
}
