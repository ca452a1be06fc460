/**
 * The workspace half of `status`: the queue, pending snapshots, the logs, the
 * private list, the breadcrumbs and the locks, read without writing anything.
 *
 * @module
 */

import { formatTimestamp } from "../format/timestamp.ts";
import { inspectLock } from "../lock/inspect_lock.ts";
import { readPrivateList } from "../store/private_list.ts";
import { readQueueFile } from "../store/queue_reader.ts";
import { listSnapshots } from "../store/snapshot.ts";
import { readStamp } from "../store/stamp.ts";
import type { Workspace } from "../store/workspace.ts";
import { readLogTail } from "./_log_tail.ts";
import type { LogRow, LogSummary, Problem, StatusReport } from "./status_report.ts";

/** How many rows of each log `status` shows. */
const SHOWN = 3;

function toRows(rows: string[][]): LogRow[] {
  return rows.map(([time = "", ...fields]) => ({ time, fields }));
}

/** A log's summary; a log that cannot be read is a problem, and reads as empty. */
async function summarize(path: string, problems: Problem[]): Promise<LogSummary> {
  try {
    const { total, last } = await readLogTail(path, SHOWN);
    return { total, last: toRows(last) };
  } catch (error) {
    problems.push({ problem: (error as Error).message, fix: `remove or repair "${path}"` });
    return { total: 0, last: [] };
  }
}

async function queueState(workspace: Workspace, problems: Problem[]) {
  try {
    const { entries, malformed } = await readQueueFile(workspace.file("queue"));
    const stamps = entries.map((entry) => entry.stamp).filter((stamp) => stamp !== "").sort();
    const oldestFailure = stamps[0] ?? null;
    return {
      entries: entries.length,
      requeued: stamps.length,
      oldestFailure,
      malformed: malformed.length,
    };
  } catch (error) {
    const fix = `remove or repair "${workspace.file("queue")}"`;
    problems.push({ problem: (error as Error).message, fix });
    return { entries: 0, requeued: 0, oldestFailure: null, malformed: 0 };
  }
}

async function snapshotState(workspace: Workspace) {
  const snapshots = await listSnapshots(workspace);
  let oldest: string | null = null;
  if (snapshots.length > 0) {
    const mtime = (await Deno.lstat(snapshots[0]!)).mtime;
    oldest = mtime === null ? null : formatTimestamp(mtime);
  }
  return { count: snapshots.length, oldest };
}

/** The stamps of the last successful push and the last catch-up, as UTC times. */
function pushState(workspace: Workspace) {
  const at = (path: string) => {
    const time = readStamp(path);
    return time === undefined ? null : formatTimestamp(new Date(time));
  };
  return {
    lastSuccess: at(workspace.file("lastPushStamp")),
    lastCatchUp: at(workspace.file("catchUpStamp")),
  };
}

async function privacyState(workspace: Workspace, problems: Problem[]) {
  let marked: number | null = null;
  try {
    marked = (await readPrivateList(workspace)).size;
  } catch (error) {
    problems.push({
      problem: `${(error as Error).message}; push uploads nothing while privacy is unknown`,
      fix: `make "${workspace.file("privateList")}" a plain file of session ids, one per line`,
    });
  }
  return { marked, skipped: await summarize(workspace.file("privateSkippedLog"), problems) };
}

async function captureState(workspace: Workspace, problems: Problem[]) {
  const outcomes: Record<string, number> = {};
  const { last } = await summarize(workspace.file("captureLog"), problems);
  try {
    const { last: all } = await readLogTail(workspace.file("captureLog"), 10_000);
    for (const [, outcome = "?"] of all) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  } catch {
    // Reported by summarize above.
  }
  return { last, outcomes };
}

/**
 * Reads the workspace's part of a status report; what cannot be read is
 * added to `problems`.
 *
 * @example
 * ```ts
 * import { workspaceState } from "./_workspace_state.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const state = await workspaceState(workspace, []);
 * deepStrictEqual([state.queue.entries, state.snapshots.count, state.locks.push.state], [0, 0, "free"]);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function workspaceState(
  workspace: Workspace,
  problems: Problem[],
): Promise<
  Pick<
    StatusReport,
    "queue" | "snapshots" | "uploads" | "failures" | "privacy" | "pushes" | "captures" | "locks"
  >
> {
  return {
    queue: await queueState(workspace, problems),
    snapshots: await snapshotState(workspace),
    uploads: await summarize(workspace.file("uploadedLog"), problems),
    failures: await summarize(workspace.file("failedLog"), problems),
    privacy: await privacyState(workspace, problems),
    pushes: pushState(workspace),
    captures: await captureState(workspace, problems),
    locks: {
      queue: inspectLock(workspace.file("queueLock")),
      push: inspectLock(workspace.file("pushLock")),
    },
  };
}
