/**
 * `agnes-sessions statusline`: the Claude Code status line.
 *
 * @module
 */

import { parseCommandArgs } from "../cli/args.ts";
import { runCommand } from "../cli/run_command.ts";
import { readStdinBounded } from "../cli/stdin.ts";
import { PRIVATE_INDICATOR, statusLineText } from "../hook/status_line.ts";
import { Workspace } from "../store/workspace.ts";

/** Help text. */
export const help = `Usage: agnes-sessions statusline [--workspace DIR]

Claude Code statusLine command. Reads the status-line JSON from stdin and
prints "${PRIVATE_INDICATOR}" when its session_id is on the private list,
else nothing. Never creates files, never prints errors, always exits 0.

Options:
  --workspace DIR  Workspace folder (default: $AGNES_LOCAL_DIR, $CLAUDE_PROJECT_DIR,
                   the nearest folder up with our files in .claude/, the current folder)
  -h, --help       Show this help

Examples:
  echo '{"session_id":"8f3c2a1e"}' | agnes-sessions statusline`;

/** Runs the status line. Never throws. */
export async function run(args: string[]): Promise<void> {
  try {
    const { workspace } = parseCommandArgs(args, { workspace: "string" }, { onUnknown: () => {} })
      .values;
    const input = await readStdinBounded();
    if (!input.ok) return;
    // A missing folder shows nothing either way: no stat for it.
    const text = await statusLineText(
      Workspace.resolve(workspace, { checkFolder: false }),
      input.text,
    );
    if (text !== "") console.log(text);
  } catch {
    // Nothing to show.
  }
}

/**
 * Runs `statusline` as a program of its own, `args` after the command name:
 * bundled into the bundle's entry (`tools/bundle_entry.ts`), so the hook
 * loads one small file and not the rest of the CLI. Exits 0 whatever
 * happens, as `cli.ts` does for it.
 */
export function main(args: string[]): Promise<number> {
  return runCommand("statusline", { run, help }, args, true);
}
