/**
 * `agnes-sessions statusline`: the Claude Code status line.
 *
 * @module
 */

import { isPrivateSession } from "../private_list.ts";
import { readStdinBounded } from "../stdin.ts";
import { Workspace } from "../workspace.ts";
import { parseCommandArgs } from "../args.ts";

/** What the status line shows for a private session. */
export const PRIVATE_INDICATOR = "🔒 agnes-private";

/** Help text. */
export const help = `Usage: agnes-sessions statusline [--workspace DIR]

Claude Code statusLine command. Reads the status-line JSON from stdin and
prints "${PRIVATE_INDICATOR}" when its session_id is on the private list,
else nothing. Never creates files, never prints errors, always exits 0.`;

/** Runs the status line. Never throws. */
export async function run(args: string[]): Promise<void> {
  try {
    const { workspace } = parseCommandArgs(args, { workspace: "string" }, { onUnknown: () => {} })
      .values;
    const input = await readStdinBounded();
    if (!input.ok) return;
    const payload: unknown = JSON.parse(input.text);
    if (typeof payload !== "object" || payload === null) return;
    const sessionId = (payload as Record<string, unknown>).session_id;
    if (typeof sessionId !== "string") return;
    if (await isPrivateSession(Workspace.resolve(workspace), sessionId)) {
      console.log(PRIVATE_INDICATOR);
    }
  } catch {
    // Malformed input and unreadable files show nothing.
  }
}
