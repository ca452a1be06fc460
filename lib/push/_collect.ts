/**
 * Step 1 of a push: collect what to send. Recovery snapshots left by a push
 * that died come first, then the live queue renamed to a fresh snapshot, then
 * (with `--retry-failed`) the failed log's entries, moved into a snapshot of
 * their own before they leave the log, then (with `--scan`) the workspace's
 * transcripts the server has not got; all deduplicated across the run,
 * earliest first-failure stamp kept.
 *
 * Rows that cannot be parsed are logged to the failed log (`malformed`) as
 * soon as they are read, and leave their snapshot: a push that fails later
 * does not log them twice.
 *
 * @module
 */

import { failedLogRows, malformedFailures } from "../store/_failed_log.ts";
import { readFailedForRetry, rewriteFailedLog } from "../store/_failed_log.ts";
import { appendLog } from "../store/_log_file.ts";
import { readQueueFile } from "../store/queue_reader.ts";
import { dedupeEntries, type QueueEntry } from "../store/queue_entry.ts";
import { listSnapshots, rewriteSnapshot, snapshotQueue, writeSnapshot } from "../store/snapshot.ts";
import { crashPoint } from "./_crash_point.ts";
import { scanEntries } from "./_scan.ts";
import type { PushRun } from "./_run.ts";

/** What a run has to send, and what to clean up once it is done. */
export interface Batch {
  /** The snapshots read, deleted once every outcome in them is durable. */
  snapshots: string[];
  /** The entries to send, deduplicated, in order. */
  entries: QueueEntry[];
}

/** Recovery snapshots, oldest first, then the live queue as a fresh snapshot. */
async function takeSnapshots(run: PushRun): Promise<string[]> {
  const snapshots = await listSnapshots(run.options.workspace);
  const fresh = await snapshotQueue(run.options.workspace);
  if (fresh !== undefined) snapshots.push(fresh);
  crashPoint("after-snapshot");
  return snapshots;
}

/**
 * `--retry-failed`: writes the failed log's retryable entries to a snapshot
 * (durable), and only then takes them out of the log, so a push killed or
 * stopped in between loses none (at worst an entry is in both). A log holding
 * a row that cannot be read back byte for byte is never rewritten.
 */
async function snapshotFailures(run: PushRun): Promise<string | undefined> {
  const { workspace } = run.options;
  const { retry, keep } = await readFailedForRetry(workspace);
  if (retry.length === 0) return undefined;
  const snapshot = await writeSnapshot(workspace, retry);
  crashPoint("after-retry-snapshot");
  if (keep !== undefined) await rewriteFailedLog(workspace, keep);
  crashPoint("after-failed-log-rewrite");
  return snapshot;
}

/** A snapshot's entries; its unparseable rows are logged and taken out of it. */
async function readSnapshot(run: PushRun, snapshot: string): Promise<QueueEntry[]> {
  const { entries, malformed } = await readQueueFile(snapshot);
  if (malformed.length === 0) return entries;
  const rows = failedLogRows(malformedFailures(malformed), run.now());
  await appendLog(run.options.workspace, "failedLog", rows);
  await rewriteSnapshot(snapshot, entries);
  run.report.droppedPermanent += malformed.length;
  return entries;
}

/**
 * Collects the run's entries.
 *
 * @example
 * ```ts
 * import { collectEntries } from "./_collect.ts";
 * import { startRun } from "./_run.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { appendToQueue } from "../store/queue.ts";
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
  const retried = run.options.retryFailed ? await snapshotFailures(run) : undefined;
  if (retried !== undefined) snapshots.push(retried);
  const entries: QueueEntry[] = [];
  for (const snapshot of snapshots) entries.push(...await readSnapshot(run, snapshot));
  if (run.options.scan) entries.push(...await scanEntries(run, entries));
  return { snapshots, entries: dedupeEntries(entries) };
}
