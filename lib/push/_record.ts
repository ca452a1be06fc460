/**
 * Step 4 of a push: make every outcome durable, then delete the snapshots.
 *
 * The order is the guarantee: uploads (already in the uploaded log and the
 * ledger) are synced to the uploaded log, the private-skipped and failed
 * logs written and synced,
 * requeued entries appended to the live queue and synced, and only then is a
 * snapshot deleted. A push killed at any instant before that loses nothing:
 * the next one finds the snapshot and finishes it.
 *
 * @module
 */

import { failedLogRows } from "../store/_failed_log.ts";
import { appendLog } from "../store/_log_file.ts";
import { privateSkippedLogRows } from "../store/_private_skipped_log.ts";
import { requeueEntries } from "../store/queue.ts";
import { discardSnapshot } from "../store/snapshot.ts";
import { syncFile } from "../fs/_sync_file.ts";
import type { Batch } from "./_collect.ts";
import { crashPoint } from "./_crash_point.ts";
import type { PushRun } from "./_run.ts";

/**
 * Writes the run's outcomes in the durability order, then deletes the
 * batch's snapshots.
 *
 * @example
 * ```ts
 * import { collectEntries } from "./_collect.ts";
 * import { recordOutcomes } from "./_record.ts";
 * import { startRun } from "./_run.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { appendToQueue } from "../store/queue.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const entry = { sessionId: "s", path: "/t/s.jsonl", stamp: "" };
 * await appendToQueue(workspace, [entry]);
 * using client = new AgnesClient({ server: "http://127.0.0.1:9", token: "t" }); // never called here
 * const run = await startRun({ workspace, client, allowedRoots: [] });
 * const batch = await collectEntries(run);
 * run.requeue.push(entry); // as if its upload had failed
 * await recordOutcomes(run, batch);
 * deepStrictEqual(await Deno.readTextFile(workspace.file("queue")), "s\t/t/s.jsonl\n");
 * deepStrictEqual(run.report.requeued, 1);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function recordOutcomes(run: PushRun, batch: Batch): Promise<void> {
  const { workspace } = run.options;
  await run.ledger.compact();
  await syncFile(workspace.file("uploadedLog"));
  await flushLogs(run);
  crashPoint("after-logs");
  await flushRequeue(run);
  crashPoint("after-requeue");
  run.report.requeueReasons = [...run.requeueReasons];
  for (const snapshot of batch.snapshots) await discardSnapshot(snapshot);
}

/** Rows gathered for a log or the queue are written out in groups of this many. */
export const FLUSH_ROWS = 1000;

/** Appends the gathered private-skip and failure rows to their logs (synced). */
async function flushLogs(run: PushRun): Promise<void> {
  const { workspace } = run.options;
  const skipped = privateSkippedLogRows(run.privateSkips.splice(0), run.now());
  await appendLog(workspace, "privateSkippedLog", skipped);
  await appendLog(workspace, "failedLog", failedLogRows(run.failures.splice(0), run.now()));
}

/** Puts the gathered requeues back on the live queue (under its lock, synced). */
async function flushRequeue(run: PushRun): Promise<void> {
  const entries = run.requeue.splice(0);
  await requeueEntries(run.options.workspace, entries);
  run.report.requeued += entries.length;
}

/**
 * Writes out a group of gathered rows once it has {@linkcode FLUSH_ROWS}:
 * durable early, which a push killed later only repeats (a requeued entry
 * still in its snapshot is deduplicated, its stamp kept).
 */
export async function flushFullBuffers(run: PushRun): Promise<void> {
  if (!hasFullBuffer(run)) return;
  if (run.privateSkips.length >= FLUSH_ROWS || run.failures.length >= FLUSH_ROWS) {
    await flushLogs(run);
  }
  if (run.requeue.length >= FLUSH_ROWS) await flushRequeue(run);
  crashPoint("after-early-flush");
}

/** Whether {@linkcode flushFullBuffers} has anything to write. */
export function hasFullBuffer(run: PushRun): boolean {
  return run.privateSkips.length >= FLUSH_ROWS || run.failures.length >= FLUSH_ROWS ||
    run.requeue.length >= FLUSH_ROWS;
}
