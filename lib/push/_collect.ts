/**
 * Step 1 of a push: collect what to send. Recovery snapshots left by a push
 * that died come first, then the live queue renamed to a fresh snapshot, then
 * (with `--retry-failed`) the failed log's entries, moved into a snapshot of
 * their own before they leave the log, then (with `--scan`) the workspace's
 * transcripts the server has not got; all deduplicated across the run,
 * earliest first-failure stamp kept.
 *
 * The snapshots are streamed twice, so memory does not grow with their
 * length: the first pass adds each entry's fingerprint to an
 * {@linkcode EntryIndex}, the second hands each distinct entry out once, at
 * its first occurrence, while it is being sent.
 *
 * Rows that cannot be parsed are logged to the failed log (`malformed`) as
 * soon as they are read, and leave their snapshot: a push that fails later
 * does not log them twice.
 *
 * @module
 */

import { failedLogRows, malformedFailures } from "../store/failed_log.ts";
import { readFailedForRetry, rewriteFailedLog } from "../store/failed_log.ts";
import { EntryIndex, expectedEntries } from "../store/entry_index.ts";
import { appendLog } from "../store/log_file.ts";
import { type MalformedRow, readQueueRows } from "../store/queue_reader.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import { listSnapshots, rewriteSnapshot, snapshotQueue, writeSnapshot } from "../store/snapshot.ts";
import { crashPoint } from "./_crash_point.ts";
import { confirmScanned, type ScanCandidates, scanCandidates } from "./_scan.ts";
import type { PushRun } from "./_run.ts";

/** What a run has to send, and what to clean up once it is done. */
export interface CollectedEntries {
  /** The snapshots read, deleted once every outcome in them is durable. */
  snapshots: string[];
  /** How many distinct entries there are to send. */
  size: number;
  /** The distinct entries in batches, in order, read again from the snapshots as they are taken (once). */
  entries: AsyncIterable<QueueEntry[]>;
}

/** Malformed rows are logged in groups of this many, so a corrupt queue of any size is read in bounded memory. */
const MALFORMED_GROUP = 1000;

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

/** Logs malformed rows to the failed log, counted as dropped. */
async function logMalformed(run: PushRun, rows: MalformedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const logged = failedLogRows(malformedFailures(rows), run.now());
  await appendLog(run.options.workspace, "failedLog", logged);
  run.report.droppedPermanent += rows.length;
}

/** A snapshot's entries, without its malformed rows. */
async function* entriesOf(snapshot: string): AsyncGenerator<QueueEntry> {
  for (const batch of readQueueRows(snapshot)) {
    for (const row of batch) if (!("reason" in row)) yield row;
  }
}

/**
 * Pass 1 over a snapshot: each entry into `index` (and out of the scan's
 * candidates: it is queued); malformed rows logged, then taken out of it.
 */
async function indexSnapshot(
  run: PushRun,
  snapshot: string,
  index: EntryIndex,
  candidates: ScanCandidates,
): Promise<void> {
  const malformed: MalformedRow[] = [];
  let anyMalformed = false;
  for (const batch of readQueueRows(snapshot)) {
    for (const row of batch) {
      if ("reason" in row) malformed.push(row);
      else index.add(row);
      if (candidates.size > 0 && !("reason" in row)) candidates.delete(row.path);
    }
    if (malformed.length > 0) anyMalformed = true;
    if (malformed.length >= MALFORMED_GROUP) await logMalformed(run, malformed.splice(0));
  }
  await logMalformed(run, malformed);
  if (anyMalformed) await rewriteSnapshot(snapshot, entriesOf(snapshot));
}

/** Pass 2: each distinct entry once, at its first occurrence, then what the scan found; in batches. */
async function* distinctEntries(
  snapshots: readonly string[],
  index: EntryIndex,
  scanned: QueueEntry[],
): AsyncGenerator<QueueEntry[]> {
  for (const snapshot of snapshots) {
    for (const rows of readQueueRows(snapshot)) {
      const batch: QueueEntry[] = [];
      for (const row of rows) {
        const entry = "reason" in row ? undefined : index.take(row);
        if (entry !== undefined) batch.push(entry);
      }
      yield batch;
    }
  }
  yield scanned;
}

/**
 * Collects the run's entries.
 */
export async function collectEntries(run: PushRun): Promise<CollectedEntries> {
  const snapshots = await takeSnapshots(run);
  const retried = run.options.retryFailed ? await snapshotFailures(run) : undefined;
  if (retried !== undefined) snapshots.push(retried);
  const candidates: ScanCandidates = run.options.scan ? scanCandidates(run) : new Map();
  const index = new EntryIndex(expectedEntries(snapshots));
  for (const snapshot of snapshots) await indexSnapshot(run, snapshot, index, candidates);
  const scanned = run.options.scan ? confirmScanned(run, candidates) : [];
  return {
    snapshots,
    size: index.size + scanned.length,
    entries: distinctEntries(snapshots, index, scanned),
  };
}
