/**
 * Step 1 of a push: collect what to send. Recovery snapshots left by a push
 * that died come first, then the live queue renamed to a fresh snapshot, then
 * (with `--retry-failed`) the failed log's entries; deduplicated across the
 * whole run, earliest first-failure stamp kept.
 *
 * @module
 */

import { malformedFailures, readFailedForRetry } from "../store/_failed_log.ts";
import { readQueueFile } from "../store/queue_reader.ts";
import { dedupeEntries, type QueueEntry } from "../store/queue_entry.ts";
import { listSnapshots, snapshotQueue } from "../store/snapshot.ts";
import type { PushRun } from "./_run.ts";

/** What a run has to send, and what to clean up once it is done. */
export interface Batch {
  /** The snapshots read, deleted once every outcome in them is durable. */
  snapshots: string[];
  /** The entries to send, deduplicated, in order. */
  entries: QueueEntry[];
  /**
   * With `--retry-failed`, the failed-log rows that stay when the log is
   * rewritten; `undefined` when the failed log is only appended to.
   */
  failedLogKeep: string[] | undefined;
}

/** Recovery snapshots, oldest first, then the live queue as a fresh snapshot. */
async function takeSnapshots(run: PushRun): Promise<string[]> {
  const snapshots = await listSnapshots(run.options.workspace);
  const fresh = await snapshotQueue(run.options.workspace);
  if (fresh !== undefined) snapshots.push(fresh);
  return snapshots;
}

/**
 * Collects the run's entries; rows that cannot be parsed become failed-log
 * rows (`malformed`) in `run`.
 *
 * @example
 * ```ts
 * import { collectEntries } from "./_collect.ts";
 * import { startRun } from "./_run.ts";
 * import { appendToQueue } from "../store/queue.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendToQueue(workspace, [{ sessionId: "s", path: "/t/s.jsonl", stamp: "" }]);
 * using client = new AgnesClient({ server: "http://127.0.0.1:9", token: "t" }); // never called here
 * const batch = await collectEntries(await startRun({ workspace, client, allowedRoots: [] }));
 * deepStrictEqual([batch.entries.length, batch.snapshots.length], [1, 1]);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function collectEntries(run: PushRun): Promise<Batch> {
  const snapshots = await takeSnapshots(run);
  const queued: QueueEntry[] = [];
  for (const snapshot of snapshots) {
    const { entries, malformed } = await readQueueFile(snapshot);
    queued.push(...entries);
    run.failures.push(...malformedFailures(malformed));
  }
  run.report.droppedPermanent += run.failures.length;
  const retried = run.options.retryFailed
    ? await readFailedForRetry(run.options.workspace)
    : { retry: [], keep: undefined };
  return {
    snapshots,
    entries: dedupeEntries([...queued, ...retried.retry]),
    failedLogKeep: retried.keep,
  };
}
