/**
 * `agnes-sessions capture-session`: the SessionStart / SessionEnd hook.
 *
 * @module
 */

import { parseCommandArgs } from "../cli/args.ts";
import { runCommand } from "../cli/run_command.ts";
import { spawnDetached } from "../cli/detach.ts";
import { readStdinBounded } from "../cli/stdin.ts";
import {
  captureHookPayload,
  type CaptureResult,
  type HookPayload,
  readHookPayload,
} from "../hook/capture.ts";
import { catchUpReason, type CatchUpTimes, readCatchUpTimes } from "../hook/catch_up.ts";
import { appendCaptureLogRow } from "../store/capture_log.ts";
import { writeStamp } from "../store/stamp.ts";
import { Workspace } from "../store/workspace.ts";

/** Help text. */
export const help = `Usage: agnes-sessions capture-session [--workspace DIR] [--push] [--verbose]

Claude Code SessionStart / SessionEnd hook. Reads the hook's JSON from stdin
(at most 1 MiB, at most about 2 s) and appends "session_id<TAB>transcript_path"
to .claude/agnes-sessions.txt, unless the session is marked private.
When stdin is empty, unreadable or names no transcript_path, the session comes
from the environment Claude Code gives the hook: the id from
$CLAUDE_CODE_SESSION_ID (else $CLAUDE_SESSION_ID), the transcript from
Claude Code's projects folder for $CLAUDE_PROJECT_DIR (outcome ok_from_env).
Always exits 0 and prints nothing on stdout; each run leaves a row in the capture log
.claude/agnes-capture-session.log (when .claude/ exists).

At SessionStart (the payload's hook_event_name, or, when it names none, a run
without --push), it also starts a background "push --quiet --scan" when work
waits: a queue or snapshot older than the last successful push, or no
successful push for 24 h while Claude Code's projects folder holds this
workspace's transcripts (sessions whose SessionEnd never fired). At most once
an hour (.claude/agnes-catch-up.stamp).

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
function startPush(workspace: Workspace, what = "push"): string {
  try {
    const pid = spawnDetached(["push", "--quiet", "--scan", "--workspace", workspace.root]);
    return `${what} started (pid ${pid})`;
  } catch (error) {
    return `${what} not started: ${error instanceof Error ? error.message : error}`;
  }
}

/**
 * The SessionStart catch-up (`lib/hook/catch_up.ts`): when work waits and no
 * catch-up ran within the hour, writes the catch-up stamp, then starts the
 * push; what it says for the capture log (empty when nothing is due). A stamp
 * that cannot be written starts nothing: no stamp, no hourly bound.
 */
async function catchUp(workspace: Workspace, times: CatchUpTimes): Promise<string> {
  const reason = catchUpReason(workspace, times);
  if (reason === undefined) return "";
  try {
    await writeStamp(workspace.file("catchUpStamp"));
  } catch (error) {
    return `catch-up push not started (${reason}): ${
      error instanceof Error ? error.message : error
    }`;
  }
  return `${startPush(workspace, "catch-up push")}: ${reason}`;
}

/**
 * Whether this capture catches up: a SessionStart capture (the payload says
 * so, or, when it names no event, the hook runs without `--push`, as
 * install's SessionStart entry does) of a new session. With `--push` the push
 * starts anyway. A resumed or compacted session is left out: its transcript
 * exists already, and a push now would send it before the analyst could mark
 * it private.
 */
function catchesUp(payload: HookPayload, pushFlag: boolean): boolean {
  if (pushFlag) return false;
  if (payload.source === "resume" || payload.source === "compact") return false;
  return payload.hookEvent === "" || payload.hookEvent === "SessionStart";
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
  const payload: HookPayload = input.ok
    ? readHookPayload(input.text)
    : { capture: { outcome: "stdin_read_error", detail: input.error }, hookEvent: "", source: "" };
  // Read before the capture appends: the row it writes is no reason to catch up.
  const times = catchesUp(payload, options.push ?? false) ? readCatchUpTimes(workspace) : undefined;
  const result: CaptureResult = await captureHookPayload(workspace, payload);
  say(`${result.outcome}${result.detail === "" ? "" : `: ${result.detail}`}`);
  // The push runs whatever the capture's outcome: earlier sessions may be queued.
  const pushed = options.push ? startPush(workspace) : "";
  const caughtUp = times === undefined ? "" : await catchUp(workspace, times);
  for (const note of [pushed, caughtUp]) if (note !== "") say(note);
  // The rare catch-up first: a capture log row's detail is cut to 200 characters.
  const detail = [caughtUp, result.detail, pushed].filter((part) => part !== "").join("; ");
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
