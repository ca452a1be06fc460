/**
 * The uploaded log `W/.claude/agnes-sessions-uploaded.txt`, an audit trail:
 * `<iso>\t<transcript_path>`, then our own columns `<size>\t<mtime_ms>` (old
 * readers look at the first two only). What a push consults to avoid sending
 * a file twice is the upload ledger (`upload_ledger.ts`), kept per server.
 *
 * @module
 */

import { assertRowField, formatRow } from "../format/_row.ts";
import { formatTimestamp } from "../format/_timestamp.ts";

/** A row of the uploaded log. */
export interface UploadedRow {
  /** The transcript uploaded. */
  path: string;
  /** Extra trailing columns (old readers look at the first two only). */
  extra?: readonly string[];
}

/**
 * Formats uploaded-log rows stamped `now`.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 *
 * @example
 * ```ts
 * import { uploadedLogRows } from "./_uploaded_log.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const now = new Date(Date.UTC(2026, 0, 1));
 * deepStrictEqual(uploadedLogRows([{ path: "/t/a.jsonl" }], now), ["2026-01-01T00:00:00Z\t/t/a.jsonl"]);
 * ```
 */
export function uploadedLogRows(rows: readonly UploadedRow[], now: Date = new Date()): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ path, extra = [] }) => {
    for (const value of extra) assertRowField("uploaded log column", value);
    return [formatRow({ stamp, path }), ...extra].join("\t");
  });
}
