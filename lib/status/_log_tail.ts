/**
 * Reading a log's size and its last rows, in one streamed pass.
 *
 * @module
 */

import { readLines } from "../fs/read_lines.ts";

/** A log's row count and its last rows, split into fields. */
export interface LogTail {
  /** Rows in the log. */
  total: number;
  /** The last rows, oldest first, each split at TAB. */
  last: string[][];
}

/**
 * Counts a log's rows and keeps the last `keep` of them; a missing log is
 * empty. Rows that cannot be read are counted and skipped.
 *
 * @throws {RefusedFileError} when the log is not a regular file.
 */
export async function readLogTail(path: string, keep: number): Promise<LogTail> {
  let total = 0;
  const last: string[][] = [];
  for await (const row of readLines(path)) {
    total++;
    if (!row.ok) continue;
    last.push(row.text.split("\t"));
    if (last.length > keep) last.shift();
  }
  return { total, last };
}
