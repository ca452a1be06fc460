/**
 * Reading the session queue and its snapshots: rows parsed in bounded chunks,
 * deduplicated, and the rows that cannot be parsed reported, never silently
 * dropped.
 *
 * @module
 */

import { readLines } from "../fs/_read_lines.ts";
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

/**
 * Reads a queue or snapshot file in bounded chunks. A missing file reads as
 * empty; anything but a regular file is refused.
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
export async function readQueueFile(path: string): Promise<QueueContents> {
  const entries: QueueEntry[] = [];
  const malformed: MalformedRow[] = [];
  for await (const row of readLines(path)) {
    if (!row.ok) {
      malformed.push({ file: path, reason: row.reason, preview: row.preview });
      continue;
    }
    const parsed = parseQueueLine(row.text);
    if (typeof parsed === "string") {
      malformed.push({ file: path, reason: parsed, preview: row.text.replaceAll("\t", " ") });
    } else if (parsed !== undefined) {
      entries.push(parsed);
    }
  }
  return { entries: dedupeEntries(entries), malformed };
}
