/**
 * What happens to one entry once its fate is known: each kind of outcome is
 * counted in the report and turned into the rows and requeues the record step
 * makes durable.
 *
 * @module
 */

import { formatTimestamp, isRetryExpired, parseTimestamp } from "../format/timestamp.ts";
import { uploadedLogRows } from "../store/log_file.ts";
import { sessionOfPath } from "../store/shared_uploads.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import { crashPoint } from "./_crash_point.ts";
import { flushFullBuffers } from "./_record_outcomes.ts";
import { MAX_REPORTED_ERRORS, type PushError } from "./report.ts";
import type { PushRun } from "./_run.ts";

/** The fate of one entry in a run. */
export type EntryOutcome =
  /** On the private list: logged, never uploaded, not requeued. */
  | { kind: "private" }
  /** Not tried (the run stopped, or the breaker is open): requeued untouched. */
  | { kind: "held"; reason: string }
  /** Uploaded: the file's size and modification time go into the ledger. */
  | { kind: "uploaded"; size: number; mtimeMs: number }
  /** A push that died already sent this very version. */
  | { kind: "already_uploaded" }
  /** Permanent: the failed log, with `reason`. */
  | { kind: "failed"; reason: string; error: PushError }
  /** Transient: requeued with a first-failure stamp, or given up after 30 days. */
  | { kind: "transient"; reason: string; lastStatus?: string; error: PushError }
  /** The server says stop (it moved): requeued untouched, the run stops. */
  | { kind: "stop"; message: string; error: PushError };

function giveUp(run: PushRun, entry: QueueEntry, reason: string, error: PushError): void {
  run.failures.push({ sessionId: entry.sessionId, reason, path: entry.path });
  run.report.droppedPermanent++;
  noteError(run, error);
}

function requeue(run: PushRun, entry: QueueEntry, reason: string): void {
  run.requeue.push(entry);
  run.requeueReasons.add(reason);
}

/** The report lists the first {@linkcode MAX_REPORTED_ERRORS} errors and counts the rest. */
function noteError(run: PushRun, error: PushError): void {
  if (run.report.errors.length < MAX_REPORTED_ERRORS) run.report.errors.push(error);
  else run.report.errorsOmitted++;
}

/** The first-failure stamp to keep: the entry's, unless it is missing or in the future (then now). */
function firstFailure(entry: QueueEntry, now: Date): string {
  const first = parseTimestamp(entry.stamp);
  return first !== undefined && first <= now ? entry.stamp : formatTimestamp(now);
}

/** Requeues with the first-failure stamp (kept, else now), or gives up past 30 days. */
function retryLater(run: PushRun, entry: QueueEntry, reason: string, lastStatus?: string): void {
  const stamp = firstFailure(entry, run.now());
  if (!isRetryExpired(stamp, run.now())) return requeue(run, { ...entry, stamp }, reason);
  const expired = lastStatus ?? (reason === "not_found" ? "not_found_expired" : "retry_expired");
  giveUp(run, entry, expired, { file: entry.path, error: `gave up after 30 days (${expired})` });
}

/**
 * Applies one entry's outcome to the run. An upload is written to the
 * ledger and the uploaded log at once (synced before any snapshot is
 * deleted), so a push killed later does not send the file again. Rows for
 * the logs and the queue are written out whenever a thousand have gathered,
 * so a run of any size holds few in memory.
 */
export async function applyOutcome(
  run: PushRun,
  entry: QueueEntry,
  outcome: EntryOutcome,
): Promise<void> {
  if (outcome.kind === "uploaded") await recordUpload(run, entry, outcome);
  else noteOutcome(run, entry, outcome);
  await flushFullBuffers(run);
}

/**
 * An upload, into the uploaded log and then the ledger. In that order every
 * upload gets its log row: when the log write fails, the ledger does not
 * know the file either, so the requeued entry is sent and logged again.
 */
async function recordUpload(
  run: PushRun,
  entry: QueueEntry,
  outcome: Extract<EntryOutcome, { kind: "uploaded" }>,
): Promise<void> {
  const { size, mtimeMs } = outcome;
  // To the Python tool's server, a row it reads (session first), so it does not send the file again.
  const sessionId = run.shared === undefined ? undefined : sessionOfPath(entry.path);
  const rows = uploadedLogRows([{ path: entry.path, size, mtimeMs, sessionId }], run.now());
  if (run.uploadedLog === undefined) {
    throw new Error("Cannot record an upload: the uploaded log is not open"); // opened by the send step
  }
  run.uploadedLog.append(rows); // synced by the record step
  await run.ledger.record(entry.path, outcome.size, outcome.mtimeMs);
  run.report.sessions++; // counted once recorded: an upload it fails to record is requeued instead
  crashPoint("after-upload");
}

/**
 * Counts an outcome that is not an upload in the report and gathers its
 * rows, writing nothing: the quick path for the many entries of a long queue
 * that need no upload (then {@linkcode flushFullBuffers} when rows gathered).
 */
export function noteOutcome(
  run: PushRun,
  entry: QueueEntry,
  outcome: Exclude<EntryOutcome, { kind: "uploaded" }>,
): void {
  const { report } = run;
  switch (outcome.kind) {
    case "private":
      run.privateSkips.push({ sessionId: entry.sessionId, path: entry.path });
      report.privateSkipped++;
      return;
    case "held":
      return requeue(run, entry, outcome.reason);
    case "already_uploaded":
      report.alreadyUploaded++;
      return;
    case "failed":
      return giveUp(run, entry, outcome.reason, outcome.error);
    case "transient":
      noteError(run, outcome.error);
      return retryLater(run, entry, outcome.reason, outcome.lastStatus);
    case "stop":
      report.stopped ??= outcome.message;
      noteError(run, outcome.error);
      return requeue(run, entry, "configuration stop");
  }
}
