/**
 * `agnes-sessions capture-session`: the SessionStart / SessionEnd hook.
 *
 * @module
 */

import { parseCommandArgs } from "../cli/args.ts";
import { runCommand } from "../cli/run_command.ts";
import { spawnDetached } from "../cli/detach.ts";
import { readStdinBounded } from "../cli/stdin.ts";
import { captureHookInput, type CaptureResult } from "../hook/capture.ts";
import { appendCaptureLogRow } from "../store/capture_log.ts";
import { Workspace } from "../store/workspace.ts";

/** Help text. */
export const help = `Usage: agnes-sessions capture-session [--workspace DIR] [--push] [--verbose]

Claude Code SessionStart / SessionEnd hook. Reads the hook's JSON from stdin
(at most 1 MiB, at most about 2 s) and appends "session_id<TAB>transcript_path"
to .claude/agnes-sessions.txt, unless the session is marked private.
Always exits 0 and prints nothing on stdout; each run leaves a row in the
capture log .claude/agnes-capture-session.log (when .claude/ exists).

Options:
  --workspace DIR  Workspace folder (default: $AGNES_LOCAL_DIR, $CLAUDE_PROJECT_DIR,
                   the nearest folder up with our files in .claude/, the current folder)
  --push           Then start "push --quiet --scan" for the workspace as a detached
                   background process, and return at once (the SessionEnd hook): it
                   also sends sessions whose hooks never fired
  --verbose        Explain each step on stderr
  -h, --help       Show this help

Examples:
  echo '{"session_id":"8f3c","transcript_path":"/home/me/.claude/projects/-w/8f3c.jsonl"}' \\
    | agnes-sessions capture-session --verbose
  agnes-sessions capture-session --push      # what the SessionEnd hook runs`;

/**
 * Starts a detached `push --quiet --scan` of `workspace` (every stdio stream
 * closed, in its own process group, so it outlives the hook); what it says for
 * the capture log. The scan catches up on sessions whose hooks never fired,
 * off the hook's own path. Never throws.
 */
function startPush(workspace: Workspace): string {
  try {
    const pid = spawnDetached(["push", "--quiet", "--scan", "--workspace", workspace.root]);
    return `push started (pid ${pid})`;
  } catch (error) {
    return `push not started: ${error instanceof Error ? error.message : error}`;
  }
}

/** Runs the hook. Never throws: a hook must not break Claude Code. */
export async function run(args: string[]): Promise<void> {
  let options: { workspace?: string; push?: boolean; verbose?: boolean } = {};
  try {
    options = parseCommandArgs(args, { workspace: "string", push: "boolean", verbose: "boolean" }, {
      onUnknown: (arg) => console.error(`capture-session: ignoring unknown option ${arg}`),
    }).values;
  } catch (error) {
    // A hook never fails on its command line: capture anyway.
    console.error(`capture-session: ${error instanceof Error ? error.message : error}`);
  }
  const say = options.verbose
    ? (text: string) => console.error(`capture-session: ${text}`)
    : () => {};
  const workspace = Workspace.resolve(options.workspace);
  say(`workspace ${workspace.root}`);
  const input = await readStdinBounded();
  const result: CaptureResult = input.ok
    ? await captureHookInput(workspace, input.text)
    : { outcome: "stdin_read_error", detail: input.error };
  say(`${result.outcome}${result.detail === "" ? "" : `: ${result.detail}`}`);
  // The push runs whatever the capture's outcome: earlier sessions may be queued.
  const pushed = options.push ? startPush(workspace) : "";
  if (pushed !== "") say(pushed);
  const detail = [result.detail, pushed].filter((part) => part !== "").join("; ");
  await appendCaptureLogRow(workspace, result.outcome, detail);
}

/**
 * Runs `capture-session` as a program of its own, `args` after the command name:
 * the entry of its own bundle (`tools/build.ts`), so the hook does not load
 * the rest of the CLI. Exits 0 whatever happens, as `cli.ts` does for it.
 */
export function main(args: string[]): Promise<number> {
  return runCommand("capture-session", { run, help }, args, true);
}
