/**
 * The SessionStart hook's catch-up: when SessionEnd never fired (a closed
 * terminal, a killed Claude Code), nothing pushes what waits. So a
 * SessionStart capture starts a background `push --scan` when work waits:
 *
 * - a queue or a snapshot older than the last successful push: its last write
 *   (the file's modification time) came before the time on
 *   `agnes-last-push.stamp`, which a push touches when it finishes without a
 *   stop. The queue's time is read *before* this capture appends to it: the
 *   row just written is this session's, which its own SessionEnd pushes. What
 *   is older than the last push was there when it ran and is still there: rows
 *   it requeued (transient failures), rows captured while it ran, a snapshot
 *   it did not finish;
 * - or no successful push of this workspace for 24 h (or none recorded) while
 *   its folder in Claude Code's projects folder holds transcripts: sessions
 *   whose hooks never fired are there, which `--scan` finds.
 *
 * At most once an hour per workspace: `agnes-catch-up.stamp` is written before
 * the push starts, and a stamp under an hour old stops the check before it
 * looks at anything else. Cheap when nothing waits: one listing of `.claude/`,
 * an `lstat` of each of our files it lists, and, only when no push succeeded
 * for 24 h, one listing of the projects folder.
 *
 * @module
 */

import { encodeProjectFolder, projectsRoot } from "../claude/transcripts.ts";
import { joinPath } from "../fs/path.ts";
import { SNAPSHOT_NAME } from "../store/snapshot.ts";
import { readStamp } from "../store/stamp.ts";
import { type Workspace, WORKSPACE_FILES } from "../store/workspace.ts";

/** At most one catch-up push per workspace in this many ms (an hour). */
export const CATCH_UP_INTERVAL_MS = 60 * 60 * 1000;

/** A workspace with no successful push for this long (a day) is caught up when it has transcripts. */
export const PUSH_OVERDUE_MS = 24 * 60 * 60 * 1000;

/** The times the catch-up decides on, in ms since the epoch; read before the capture. */
export interface CatchUpTimes {
  /** When the last catch-up push was started. */
  lastCatchUp?: number | undefined;
  /** When the last push finished without a stop. */
  lastPush?: number | undefined;
  /** When the live queue was last written. */
  queue?: number | undefined;
  /** When each recovery snapshot was last written. */
  snapshots: number[];
}

/**
 * The times of the workspace's stamps, queue and snapshots: one listing of
 * `W/.claude/` (a file it does not list costs nothing more) and an `lstat` of
 * each of ours it lists. Links, folders and other non-files count as absent.
 * Never throws.
 */
export function readCatchUpTimes(workspace: Workspace): CatchUpTimes {
  const times: CatchUpTimes = { snapshots: [] };
  let names: string[];
  try {
    names = [...Deno.readDirSync(workspace.stateDir)].filter((e) => e.isFile).map((e) => e.name);
  } catch {
    return times; // no .claude/: nothing queued, nothing pushed
  }
  const timeOf = (name: string) => readStamp(joinPath(workspace.stateDir, name));
  for (const name of names) {
    if (name === WORKSPACE_FILES.catchUpStamp) times.lastCatchUp = timeOf(name);
    else if (name === WORKSPACE_FILES.lastPushStamp) times.lastPush = timeOf(name);
    else if (name === WORKSPACE_FILES.queue) times.queue = timeOf(name);
    else if (SNAPSHOT_NAME.test(name)) {
      const time = timeOf(name);
      if (time !== undefined) times.snapshots.push(time);
    }
  }
  return times;
}

/** Whether `folder` holds a `.jsonl` file (stops at the first). */
function holdsTranscripts(folder: string): boolean {
  try {
    for (const entry of Deno.readDirSync(folder)) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) return true;
    }
  } catch {
    // No folder, or one we cannot list: nothing we could send.
  }
  return false;
}

/**
 * Why a catch-up push is due now, or `undefined` when none is: a catch-up
 * started within the hour, or nothing waits (see the module doc). A stamp in
 * the future (a clock set back) does not hold the catch-up off.
 */
export function catchUpReason(
  workspace: Workspace,
  times: CatchUpTimes,
  now: number = Date.now(),
): string | undefined {
  const { lastCatchUp, lastPush } = times;
  if (lastCatchUp !== undefined && lastCatchUp <= now && now - lastCatchUp < CATCH_UP_INTERVAL_MS) {
    return undefined;
  }
  if (lastPush !== undefined) {
    if (times.queue !== undefined && times.queue <= lastPush) {
      return "the queue is older than the last push";
    }
    if (times.snapshots.some((time) => time <= lastPush)) {
      return "a snapshot is older than the last push";
    }
    if (now - lastPush <= PUSH_OVERDUE_MS) return undefined;
  }
  const folder = joinPath(projectsRoot(), encodeProjectFolder(workspace.root));
  if (!holdsTranscripts(folder)) return undefined;
  return lastPush === undefined
    ? "no push recorded, and Claude Code's projects folder holds transcripts"
    : "no push for 24 h, and Claude Code's projects folder holds transcripts";
}
