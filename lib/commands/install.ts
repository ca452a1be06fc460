/**
 * `agnes-sessions install` and `install --uninstall`: wire the workspace
 * into Claude Code, or take it out again.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/args.ts";
import { DEFAULT_COMMAND, portableCommand } from "../install/commands.ts";
import { formatDryRun } from "../install/diff.ts";
import { applyChanges } from "../install/files.ts";
import { describeRun } from "../install/messages.ts";
import { planInstallation } from "../install/plan.ts";
import type { StatusLineMode } from "../install/status_line.ts";
import { Workspace } from "../store/workspace.ts";

/** Help text. */
export const help = `Usage: agnes-sessions install [options]
       agnes-sessions install --uninstall [options]

Wires the workspace into Claude Code, in .claude/settings.local.json (your
own, not committed; added to git's info/exclude when install creates it):
  SessionStart  "<command> capture-session" queues the session's transcript
  SessionEnd    "<command> capture-session --push" queues it, then starts an
                upload; Claude Code runs it in the background ("async",
                timeout 5 s) and exits without waiting for it
  statusLine    "<command> statusline" shows a lock in a private session,
                unless a settings level (user, project, local) sets one
  /agnes-private  .claude/commands/agnes-private.md marks the session private
Entries of other tools (the Python agnes tool's included) are kept. Running it
again changes nothing; --uninstall takes out exactly what it added.

Options:
  --workspace DIR     Workspace folder (default: $AGNES_LOCAL_DIR, $CLAUDE_PROJECT_DIR,
                      the nearest folder up with our files in .claude/, the current folder)
  --command STRING    How hooks run this tool: a program and its arguments
                      (default: ${DEFAULT_COMMAND}, the binary on PATH); an
                      argument with a comma is written quoted
  --shared            Write .claude/settings.json (committed, for everyone)
                      instead of .claude/settings.local.json
  --statusline MODE   keep: set ours only when no level sets one (default);
                      replace: replace the one in the file written (kept for --uninstall)
  --force             Back up a settings file that is not a JSON object as
                      <name>.corrupt.<UTC stamp>, then rebuild it
  --dry-run           Print each change (what and why, then its diff); write nothing
  --uninstall         Remove our hooks, status line and slash command
  -h, --help          Show this help

Examples:
  agnes-sessions install
  agnes-sessions install --command "deno run -A jsr:@agnes/sessions"
  agnes-sessions install --shared --dry-run
  agnes-sessions install --statusline replace
  agnes-sessions install --uninstall`;

const OPTIONS = {
  "workspace": "string",
  "command": "string",
  "shared": "boolean",
  "statusline": "string",
  "force": "boolean",
  "dry-run": "boolean",
  "uninstall": "boolean",
} as const;

/** The checked `--command`, or `undefined` when not given. */
function commandOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const checked = portableCommand(value);
  if (!checked.ok) {
    throw new UsageError(
      `Option --command "${value}" must be a program and its arguments that sh, Git Bash and PowerShell read alike: ${checked.problem}`,
    );
  }
  return checked.command;
}

function statusLineOption(value: string | undefined): StatusLineMode {
  if (value === undefined || value === "keep" || value === "replace") return value ?? "keep";
  throw new UsageError(`Option --statusline takes keep or replace, not '${value}'`);
}

/** Runs `install`. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  const command = commandOption(values.command);
  const statusLine = statusLineOption(values.statusline);
  const dryRun = values["dry-run"] ?? false;
  const workspace = Workspace.resolve(values.workspace);
  if (values.uninstall && (values.statusline !== undefined || values.force)) {
    throw new UsageError("Options --statusline and --force do not go with --uninstall");
  }
  const plan = planInstallation({
    workspace,
    uninstall: values.uninstall ?? false,
    ...(command === undefined ? {} : { command }),
    shared: values.shared ?? false,
    statusLine,
    force: values.force ?? false,
  });
  if (!dryRun) await applyChanges(plan.changes);
  const lines = dryRun ? formatDryRun(plan.workspace, plan.changes) : describeRun(plan);
  for (const line of lines) console.log(line);
}
