/**
 * `agnes-sessions mark-private` and `unmark-private`: the `/agnes-private`
 * slash command.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/args.ts";
import { addPrivateSession, removePrivateSession } from "../store/mark_private.ts";
import { Workspace } from "../store/workspace.ts";

const SESSION_ID_VARIABLES = ["CLAUDE_CODE_SESSION_ID", "CLAUDE_SESSION_ID"] as const;

/** Help text for `mark-private`. */
export const help = `Usage: agnes-sessions mark-private [SESSION_ID] [--workspace DIR]

Marks a session private: it is never queued by capture-session and never
uploaded by push. The id defaults to $CLAUDE_CODE_SESSION_ID, then
$CLAUDE_SESSION_ID. Marking twice is fine. This is what /agnes-private runs.

Options:
  --workspace DIR  Workspace folder (default: $AGNES_LOCAL_DIR, $CLAUDE_PROJECT_DIR,
                   the nearest folder up with our files in .claude/, the current folder)
  -h, --help       Show this help

Examples:
  agnes-sessions mark-private 8f3c2a1e-5b6d-4c7e-9f01-23456789abcd
  CLAUDE_CODE_SESSION_ID=8f3c2a1e agnes-sessions mark-private`;

/** Help text for `unmark-private`. */
export const unmarkHelp = `Usage: agnes-sessions unmark-private [SESSION_ID] [--workspace DIR]

Removes a session from the private list: the next push uploads it. The id
defaults to $CLAUDE_CODE_SESSION_ID, then $CLAUDE_SESSION_ID.

Options:
  --workspace DIR  Workspace folder (default: as for mark-private)
  -h, --help       Show this help

Examples:
  agnes-sessions unmark-private 8f3c2a1e-5b6d-4c7e-9f01-23456789abcd`;

/** The session id from the argument or the environment; throws when none is given. */
function sessionIdFrom(args: string[], action: string): { id: string; workspace: Workspace } {
  const { values, positionals } = parseCommandArgs(args, { workspace: "string" });
  if (positionals.length > 1) {
    throw new UsageError(`Expected one session id, got ${positionals.length}`);
  }
  const id = [positionals[0], ...SESSION_ID_VARIABLES.map((name) => Deno.env.get(name))]
    .find((candidate) => candidate !== undefined && candidate.trim() !== "");
  if (id === undefined) {
    throw new TypeError(
      `Cannot ${action}: no session id given and ${SESSION_ID_VARIABLES.join(" / ")} is not set`,
    );
  }
  return { id: id.trim(), workspace: Workspace.resolve(values.workspace) };
}

/** Runs `mark-private`. */
export async function run(args: string[]): Promise<void> {
  const { id, workspace } = sessionIdFrom(args, "mark a session private");
  const added = await addPrivateSession(workspace, id);
  console.log(
    added
      ? `Marked session ${id} private: it will not be uploaded`
      : `Session ${id} is already marked private`,
  );
}

/** Runs `unmark-private`. */
export async function runUnmark(args: string[]): Promise<void> {
  const { id, workspace } = sessionIdFrom(args, "unmark a private session");
  const removed = await removePrivateSession(workspace, id);
  console.log(
    removed
      ? `Session ${id} is no longer private: it will be uploaded by the next push`
      : `Session ${id} was not marked private`,
  );
}
