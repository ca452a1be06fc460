/**
 * The push's audit logs in `W/.claude/`: the rows of the uploaded and
 * private-skipped logs, and appending rows to any of them. The failed and
 * private-skipped logs stay bounded: one past 8 MiB is renamed to
 * `<name>.1` (replacing the previous one) and started afresh. The uploaded
 * log is never rotated: it is also the Python `agnes` tool's record of what
 * it sent, which that tool reads whole and never rotates (set aside, every
 * session it holds would be sent again). It grows by about 150 bytes an
 * upload, and our pushes read only what was appended since the last one.
 *
 * - uploaded log `agnes-sessions-uploaded.txt`, shared with the Python
 *   `agnes` tool, which dedups its uploads against it. Rows of two shapes,
 *   told apart by whether the second field is a whole number:
 *   - session first, what the Python tool reads as an upload of that session
 *     at that size to its server: `<session_id>\t<size>\t<iso>` (the Python
 *     tool's), `<session_id>\t<size>\t<iso>\t<transcript_path>\t<mtime_ms>`
 *     (ours, for an upload to the server of `config.yaml`, the only one the
 *     Python tool knows);
 *   - time first, which the Python tool skips: `<iso>\t<transcript_path>`
 *     (both tools' older rows), `<iso>\t<transcript_path>\t<size>\t<mtime_ms>`
 *     (ours, for an upload to any other server).
 *   What a push consults to avoid sending a file twice is the upload ledger
 *   (`upload_ledger.ts`), kept per server, and the session-first rows
 *   (`shared_uploads.ts`).
 * - private-skipped log `agnes-sessions-private-skipped.txt`:
 *   `<iso>\t<session_id>\t<transcript_path>`, the sessions a push left on
 *   this machine because they were marked private.
 * - failed log: see `failed_log.ts`.
 *
 * @module
 */

import { AppendFile, appendLines, type AppendLinesOptions } from "../fs/append_lines.ts";
import { retryOnContention } from "../fs/retry_on_contention.ts";
import { formatRow } from "../format/row.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import type { Workspace } from "./workspace.ts";

/** An upload, as a row of the uploaded log records it. */
export interface UploadedRow {
  /** The transcript uploaded. */
  path: string;
  /** Its size in bytes, as uploaded. */
  size: number;
  /** Its modification time in ms. */
  mtimeMs: number;
  /**
   * The session id the Python tool knows it by (the file name without
   * `.jsonl`), for an upload to the Python tool's server: the row is then
   * written session first, so that tool skips the session at this size.
   * Without it the row is time first, which that tool does not count.
   */
  sessionId?: string | undefined;
}

/**
 * Formats uploaded-log rows stamped `now`: session first when the row names
 * a session id, else time first.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 */
export function uploadedLogRows(rows: readonly UploadedRow[], now: Date = new Date()): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ path, size, mtimeMs, sessionId }) => {
    const version = { size: String(size), mtime: String(mtimeMs) };
    return sessionId === undefined
      ? formatRow({ stamp, path, ...version })
      : formatRow({ session_id: sessionId, size: version.size, stamp, path, mtime: version.mtime });
  });
}

/** A row of the uploaded log read back, whichever tool wrote it. */
export interface UploadedLogEntry {
  /** When it was uploaded, as the row says. */
  time: string;
  /** The session id; empty in time-first rows. */
  sessionId: string;
  /** The size uploaded, when the row says. */
  size: number | undefined;
  /** The transcript; empty in the Python tool's rows. */
  path: string;
  /** Session first: the Python tool counts it as an upload of `sessionId` at `size`. */
  sessionFirst: boolean;
}

/** A whole number as the rows write it. */
const WHOLE = /^[0-9]+$/;

/**
 * Reads one uploaded-log row of either shape (see the module doc); fields are
 * trimmed. A session-first row is one whose second field is a whole number.
 */
export function parseUploadedRow(text: string): UploadedLogEntry {
  const fields = text.split("\t").map((field) => field.trim());
  const second = fields[1] ?? "";
  if (WHOLE.test(second)) {
    const [sessionId = "", , time = "", path = ""] = fields;
    return { time, sessionId, size: Number(second), path, sessionFirst: true };
  }
  const [time = "", , size = ""] = fields;
  const known = WHOLE.test(size) ? Number(size) : undefined;
  return { time, sessionId: "", size: known, path: second, sessionFirst: false };
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

/** A log larger than this is rotated before the next append (not the uploaded log). */
export const LOG_ROTATE_BYTES = 8 * 1024 * 1024;

/** Renames the log at `path` to `path.1` when it is a regular file over the limit (never the uploaded log). */
async function rotateIfLarge(log: AuditLog, path: string, limit: number): Promise<void> {
  if (log === "uploadedLog") return; // shared with the Python tool, which never rotates it
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
  await rotateIfLarge(log, workspace.file(log), LOG_ROTATE_BYTES);
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
  await rotateIfLarge(log, workspace.file(log), LOG_ROTATE_BYTES);
  return AppendFile.open(workspace.file(log));
}
