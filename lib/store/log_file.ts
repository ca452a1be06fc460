/**
 * The push's audit logs in `W/.claude/`: the rows of the uploaded and
 * private-skipped logs, and appending rows to any of them. The logs stay
 * bounded: a log past 8 MiB is renamed to `<name>.1` (replacing the previous
 * one) and started afresh.
 *
 * - uploaded log `agnes-sessions-uploaded.txt`, an audit trail:
 *   `<iso>\t<transcript_path>`, then our own columns `<size>\t<mtime_ms>` (old
 *   readers look at the first two only). What a push consults to avoid
 *   sending a file twice is the upload ledger (`upload_ledger.ts`), kept per
 *   server.
 * - private-skipped log `agnes-sessions-private-skipped.txt`:
 *   `<iso>\t<session_id>\t<transcript_path>`, the sessions a push left on
 *   this machine because they were marked private.
 * - failed log: see `failed_log.ts`.
 *
 * @module
 */

import { AppendFile, appendLines, type AppendLinesOptions } from "../fs/append_lines.ts";
import { retryOnContention } from "../fs/retry_on_contention.ts";
import { assertRowField, formatRow } from "../format/row.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import type { Workspace } from "./workspace.ts";

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
 */
export function uploadedLogRows(rows: readonly UploadedRow[], now: Date = new Date()): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ path, extra = [] }) => {
    for (const value of extra) assertRowField("uploaded log column", value);
    return [formatRow({ stamp, path }), ...extra].join("\t");
  });
}

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
 */
export function privateSkippedLogRows(
  rows: readonly PrivateSkippedRow[],
  now: Date = new Date(),
): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ sessionId, path }) => formatRow({ stamp, session_id: sessionId, path }));
}

/** A log larger than this is rotated before the next append. */
export const LOG_ROTATE_BYTES = 8 * 1024 * 1024;

/** Renames `path` to `path.1` when it is a regular file over the limit. */
async function rotateIfLarge(path: string, limit: number): Promise<void> {
  try {
    const info = Deno.lstatSync(path);
    if (!info.isFile || info.size <= limit) return;
  } catch {
    return; // missing: nothing to rotate (refusals are the append's to report)
  }
  await retryOnContention(() => Deno.rename(path, `${path}.1`));
}

/** The audit logs a push appends to. */
export type AuditLog = "uploadedLog" | "privateSkippedLog" | "failedLog";

/**
 * Appends formatted rows to one of the logs, creating `.claude/` as needed,
 * and syncs them (unless `options.sync` is `false`). A log over
 * {@linkcode LOG_ROTATE_BYTES} is rotated first.
 *
 * @throws {RefusedFileError} when the log is not a regular file.
 */
export async function appendLog(
  workspace: Workspace,
  log: AuditLog,
  rows: readonly string[],
  options: AppendLinesOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  await workspace.ensureStateDir();
  await rotateIfLarge(workspace.file(log), LOG_ROTATE_BYTES);
  await appendLines(workspace.file(log), rows, options);
}

/**
 * Opens one of the logs for many appends (a push's uploads), creating
 * `.claude/` as needed and rotating a log over {@linkcode LOG_ROTATE_BYTES}
 * first; the caller syncs and closes it.
 *
 * @throws {RefusedFileError} when the log is not a regular file.
 */
export async function openLog(workspace: Workspace, log: AuditLog): Promise<AppendFile> {
  await workspace.ensureStateDir();
  await rotateIfLarge(workspace.file(log), LOG_ROTATE_BYTES);
  return AppendFile.open(workspace.file(log));
}
