/**
 * The push's audit logs in `W/.claude/`, in the exact row formats the Python
 * tool writes and reads:
 *
 * - uploaded: `<iso>\t<transcript_path>` (our extra columns may follow);
 * - private-skipped: `<iso>\t<session_id>\t<transcript_path>`;
 * - failed: `<iso>\t<session_id>\t<status_or_reason>\t<transcript_path>`.
 *
 * @module
 */

import { assertRowField, formatRow } from "./row.ts";
import { appendLines, type AppendLinesOptions } from "./text_file.ts";
import { formatTimestamp } from "./timestamp.ts";
import type { Workspace } from "./workspace.ts";

/** A row of the uploaded log. */
export interface UploadedRow {
  /** The transcript uploaded. */
  path: string;
  /** Extra trailing columns (old readers look at the first two only). */
  extra?: readonly string[];
}

/** A row of the private-skipped log. */
export interface PrivateSkippedRow {
  /** The private session. */
  sessionId: string;
  /** Its transcript, which was not uploaded. */
  path: string;
}

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
 * Formats uploaded-log rows stamped `now`.
 *
 * @example
 * ```ts
 * import { uploadedLogRows } from "@agnes/sessions";
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

/**
 * Formats private-skipped-log rows stamped `now`.
 *
 * @example
 * ```ts
 * import { privateSkippedLogRows } from "@agnes/sessions";
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

/**
 * Formats failed-log rows stamped `now`.
 *
 * @example
 * ```ts
 * import { failedLogRows } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const now = new Date(Date.UTC(2026, 0, 1));
 * deepStrictEqual(
 *   failedLogRows([{ sessionId: "s", reason: "403", path: "/t/s.jsonl" }], now),
 *   ["2026-01-01T00:00:00Z\ts\t403\t/t/s.jsonl"],
 * );
 * ```
 */
export function failedLogRows(rows: readonly FailedRow[], now: Date = new Date()): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ sessionId, reason, path }) =>
    formatRow({ stamp, session_id: sessionId, reason, path })
  );
}

/**
 * Appends formatted rows to one of the logs, creating `.claude/` as needed,
 * and syncs them (unless `options.sync` is `false`).
 *
 * @example
 * ```ts
 * import { appendLog, failedLogRows, Workspace } from "@agnes/sessions";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendLog(workspace, "failedLog", failedLogRows([{ sessionId: "", reason: "malformed", path: "?" }]));
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function appendLog(
  workspace: Workspace,
  log: "uploadedLog" | "privateSkippedLog" | "failedLog",
  rows: readonly string[],
  options: AppendLinesOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  await workspace.ensureStateDir();
  await appendLines(workspace.file(log), rows, options);
}
