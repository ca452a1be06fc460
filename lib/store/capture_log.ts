/**
 * The capture log `W/.claude/agnes-capture-session.log`:
 * one `<iso>\t<outcome>\t<detail>` row per hook run, so a user can see what
 * the hook did without it ever printing a thing.
 *
 * @module
 */

import { appendLines } from "../fs/append_lines.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import type { Workspace } from "./workspace.ts";

/** The log is restarted when it grows past this many bytes. */
export const CAPTURE_LOG_LIMIT = 256 * 1024;

const DETAIL_LIMIT = 200;

/**
 * Formats a capture-log row: the detail cut to 200 characters, with TAB, CR,
 * LF and NUL turned into spaces.
 */
export function formatCaptureLogRow(
  outcome: string,
  detail: string,
  now: Date = new Date(),
): string {
  // deno-lint-ignore no-control-regex
  const clean = detail.replace(/[\t\r\n\u0000]/g, " ").slice(0, DETAIL_LIMIT);
  return `${formatTimestamp(now)}\t${outcome}\t${clean}`;
}

/**
 * Appends a row to the capture log, but only when `W/.claude/` already exists (bad input
 * in a folder without one leaves no trace on disk). Never throws.
 */
export async function appendCaptureLogRow(
  workspace: Workspace,
  outcome: string,
  detail: string,
): Promise<void> {
  try {
    // Opening a file never creates its folder: without `.claude/` this append
    // fails and nothing is written, as the module doc promises.
    await appendLines(workspace.file("captureLog"), [formatCaptureLogRow(outcome, detail)], {
      sync: false,
      restartOverBytes: CAPTURE_LOG_LIMIT,
    });
  } catch {
    // The capture log is a courtesy: the hook's outcome never depends on it.
  }
}
