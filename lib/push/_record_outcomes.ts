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

import { failedLogRows } from "../store/failed_log.ts";
import { appendLog, privateSkippedLogRows } from "../store/log_file.ts";
import { requeueEntries } from "../store/queue.ts";
import { discardSnapshot } from "../store/snapshot.ts";
import type { CollectedEntries } from "./_collect.ts";
import { crashPoint } from "./_crash_point.ts";
import type { PushRun } from "./_run.ts";

/**
 * Writes the run's outcomes in the durability order, then deletes the
 * collected snapshots.
 */
export async function recordOutcomes(run: PushRun, collected: CollectedEntries): Promise<void> {
  const { workspace } = run.options;
  const uploadedLog = workspace.file("uploadedLog");
  // The log first: a compaction makes this run's ledger rows durable, and each must have its log row.
  await durably(`sync the uploaded log "${uploadedLog}"`, () => {
    run.uploadedLog?.sync();
    return Promise.resolve();
  });
  await durably(`compact the upload ledger "${run.ledger.dir}"`, () => run.ledger.compact());
  await markOwnRowsRead(run);
  const skipped = workspace.file("privateSkippedLog");
  await durably(`write the private-skipped log "${skipped}"`, () => flushPrivateSkips(run));
  const failed = workspace.file("failedLog");
  await durably(`write the failed log "${failed}"`, () => flushFailures(run));
  crashPoint("after-logs");
  const requeue = `requeue ${sessions(run.requeue.length)} to "${workspace.file("queue")}"`;
  await durably(requeue, () => flushRequeue(run));
  crashPoint("after-requeue");
  run.report.requeueReasons = [...run.requeueReasons];
  for (const snapshot of collected.snapshots) await discardSnapshot(snapshot);
}

/**
 * Reads the uploaded log past this run's own rows, so the next push reads
 * the Python tool's rows from after them. Not a step of the durability
 * order: when it fails, the next push reads a little more.
 */
async function markOwnRowsRead(run: PushRun): Promise<void> {
  try {
    await run.shared?.catchUp(true);
  } catch {
    // Read again by the next push.
  }
}

/** `1 session`, `2 sessions`. */
const sessions = (count: number) => `${count} session${count === 1 ? "" : "s"}`;

/**
 * Runs one step of the durability order. A failure says which step, and
 * that nothing was deleted: the snapshots stay for the next push.
 */
async function durably(action: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot ${action}: ${message}; nothing was deleted, and the next push finishes this one`,
      { cause: error },
    );
  }
}

/** Rows gathered for a log or the queue are written out in groups of this many. */
export const FLUSH_ROWS = 1000;

/**
 * Takes every item gathered in `buffer` out and writes them; when the write
 * fails they go back, ahead of any gathered meanwhile, still to be written.
 */
async function drain<T>(buffer: T[], write: (items: T[]) => Promise<void>): Promise<void> {
  const items = buffer.splice(0);
  try {
    await write(items);
  } catch (error) {
    const gatheredMeanwhile = buffer.splice(0);
    for (const item of items) buffer.push(item);
    for (const item of gatheredMeanwhile) buffer.push(item);
    throw error;
  }
}

/** Appends the gathered private-skip rows to their log (synced). */
function flushPrivateSkips(run: PushRun): Promise<void> {
  return drain(run.privateSkips, (skips) => {
    const rows = privateSkippedLogRows(skips, run.now());
    return appendLog(run.options.workspace, "privateSkippedLog", rows);
  });
}

/** Appends the gathered failure rows to the failed log (synced). */
function flushFailures(run: PushRun): Promise<void> {
  return drain(run.failures, (failures) => {
    return appendLog(run.options.workspace, "failedLog", failedLogRows(failures, run.now()));
  });
}

/** Puts the gathered requeues back on the live queue (under its lock, synced). */
async function flushRequeue(run: PushRun): Promise<void> {
  await drain(run.requeue, async (entries) => {
    await requeueEntries(run.options.workspace, entries);
    run.report.requeued += entries.length;
  });
}

/**
 * Writes out a group of gathered rows once it has {@linkcode FLUSH_ROWS}:
 * durable early, which a push killed later only repeats (a requeued entry
 * still in its snapshot is deduplicated, its stamp kept). Never throws: rows
 * that cannot be written yet stay gathered, and the record step writes them
 * or fails the push with its snapshots kept.
 */
export async function flushFullBuffers(run: PushRun): Promise<void> {
  if (!hasFullBuffer(run)) return;
  try {
    if (run.privateSkips.length >= FLUSH_ROWS || run.failures.length >= FLUSH_ROWS) {
      await flushPrivateSkips(run);
      await flushFailures(run);
    }
    if (run.requeue.length >= FLUSH_ROWS) await flushRequeue(run);
  } catch {
    return; // an early write is an economy of memory, not a step of the durability order
  }
  crashPoint("after-early-flush");
}

/** Whether {@linkcode flushFullBuffers} has anything to write. */
export function hasFullBuffer(run: PushRun): boolean {
  return run.privateSkips.length >= FLUSH_ROWS || run.failures.length >= FLUSH_ROWS ||
    run.requeue.length >= FLUSH_ROWS;
}
