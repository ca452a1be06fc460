/**
 * The failed log `W/.claude/agnes-sessions-failed.txt`:
 * `<iso>\t<session_id>\t<status_or_reason>\t<transcript_path>`, the entries a
 * push gave up on (permanent failures, expired retries, unsafe paths and
 * malformed queue rows), and what `push --retry-failed` reads back.
 *
 * @module
 */

import { isAbsolutePath } from "../fs/path.ts";
import { formatRow } from "../format/row.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import { readLines } from "../fs/read_lines.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import type { MalformedRow } from "./queue_reader.ts";
import type { QueueEntry } from "./queue_entry.ts";
import type { Workspace } from "./workspace.ts";

/** A row of the failed log. */
export interface FailedRow {
  /** The session, or empty when unknown. */
  sessionId: string;
  /** An HTTP status (`400`) or a reason (`malformed`, `not_found_expired`, …). */
  reason: string;
  /** The transcript path, or a preview of an unparseable row. */
  path: string;
}

/**
 * Formats failed-log rows stamped `now`.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 */
export function failedLogRows(rows: readonly FailedRow[], now: Date = new Date()): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ sessionId, reason, path }) =>
    formatRow({ stamp, session_id: sessionId, reason, path })
  );
}

/**
 * Failed-log rows for queue rows that could not be parsed: reason `malformed`,
 * and in place of the path a cleaned preview of the row saying what was wrong.
 */
export function malformedFailures(rows: readonly MalformedRow[]): FailedRow[] {
  return rows.map(({ reason, preview }) => ({
    sessionId: "",
    reason: "malformed",
    // deno-lint-ignore no-control-regex
    path: `[${reason}] ${preview}`.replace(/[\t\r\n\u0000]/g, " ").slice(0, 240),
  }));
}

/** What `--retry-failed` takes from the failed log. */
export interface FailedForRetry {
  /** Entries worth one more try. */
  retry: QueueEntry[];
  /**
   * The rows that stay when the log is rewritten without the retried ones;
   * `undefined` when the log holds a row that cannot be read back byte for
   * byte: such a log is only ever appended to, so nothing in it is lost.
   */
  keep: string[] | undefined;
}

/**
 * Reads the failed log for `push --retry-failed`: every row naming a
 * transcript is retried; malformed-row records are kept.
 */
export async function readFailedForRetry(workspace: Workspace): Promise<FailedForRetry> {
  const retry: QueueEntry[] = [];
  let keep: string[] | undefined = [];
  for await (const row of readLines(workspace.file("failedLog"))) {
    if (!row.ok) {
      keep = undefined;
      continue;
    }
    const [, sessionId = "", reason = "", path = ""] = row.text.split("\t");
    // A malformed row's "path" is a preview of the row, not a transcript.
    if (reason !== "malformed" && isAbsolutePath(path)) retry.push({ sessionId, path, stamp: "" });
    else keep?.push(row.text);
  }
  return { retry, keep };
}

/**
 * Replaces the failed log with `rows` (atomically): after `--retry-failed`
 * has put the retried entries in a snapshot, they leave the log.
 */
export async function rewriteFailedLog(
  workspace: Workspace,
  rows: readonly string[],
): Promise<void> {
  await writeFileAtomic(workspace.file("failedLog"), rows.map((row) => row + "\n").join(""));
}
