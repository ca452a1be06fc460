/**
 * The private-skipped log `W/.claude/agnes-sessions-private-skipped.txt`:
 * `<iso>\t<session_id>\t<transcript_path>`, the audit trail of sessions a
 * push left on this machine because they were marked private.
 *
 * @module
 */

import { formatRow } from "../format/_row.ts";
import { formatTimestamp } from "../format/_timestamp.ts";

/** A row of the private-skipped log. */
export interface PrivateSkippedRow {
  /** The private session. */
  sessionId: string;
  /** Its transcript, which was not uploaded. */
  path: string;
}

/**
 * Formats private-skipped-log rows stamped `now`.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 *
 * @example
 * ```ts
 * import { privateSkippedLogRows } from "./_private_skipped_log.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const now = new Date(Date.UTC(2026, 0, 1));
 * deepStrictEqual(
 *   privateSkippedLogRows([{ sessionId: "s", path: "/t/s.jsonl" }], now),
 *   ["2026-01-01T00:00:00Z\ts\t/t/s.jsonl"],
 * );
 * ```
 */
export function privateSkippedLogRows(
  rows: readonly PrivateSkippedRow[],
  now: Date = new Date(),
): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ sessionId, path }) => formatRow({ stamp, session_id: sessionId, path }));
}
