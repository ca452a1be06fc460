/**
 * Appending rows to one of the push's audit logs in `W/.claude/`.
 *
 * @module
 */

import { appendLines, type AppendLinesOptions } from "../fs/_append_lines.ts";
import type { Workspace } from "./workspace.ts";

/** The audit logs a push appends to. */
export type AuditLog = "uploadedLog" | "privateSkippedLog" | "failedLog";

/**
 * Appends formatted rows to one of the logs, creating `.claude/` as needed,
 * and syncs them (unless `options.sync` is `false`).
 *
 * @throws {RefusedFileError} when the log is not a regular file.
 *
 * @example
 * ```ts
 * import { appendLog } from "./_log_file.ts";
 * import { Workspace } from "./workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendLog(workspace, "failedLog", ["2026-01-01T00:00:00Z\t\tmalformed\t?"]);
 * deepStrictEqual(await Deno.readTextFile(workspace.file("failedLog")), "2026-01-01T00:00:00Z\t\tmalformed\t?\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function appendLog(
  workspace: Workspace,
  log: AuditLog,
  rows: readonly string[],
  options: AppendLinesOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  await workspace.ensureStateDir();
  await appendLines(workspace.file(log), rows, options);
}
