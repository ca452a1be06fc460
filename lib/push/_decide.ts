/**
 * What an entry needs before anything is sent: an outcome decided on this
 * machine (private, held, refused, not there yet, already sent), or an
 * upload. Synchronous, so the many entries of a long queue that need no
 * upload cost no await each.
 *
 * @module
 */

import type { QueueEntry } from "../store/queue_entry.ts";
import { sessionOfPath } from "../store/shared_uploads.ts";
import type { EntryOutcome } from "./_outcomes.ts";
import type { PathVerdict } from "./path_safety.ts";
import type { PushRun } from "./_run.ts";

/** An entry to upload: the version of the file that passed the path checks. */
export type UploadToMake = { kind: "upload"; verdict: Extract<PathVerdict, { ok: true }> };

/**
 * The verdict on one entry before anything is sent: an outcome decided on
 * this machine, or an upload to make.
 */
export type EntryVerdict = Exclude<EntryOutcome, { kind: "uploaded" }> | UploadToMake;

/** Whether the run still sends; when not, why the entry is held. */
export function heldReason(run: PushRun): string | undefined {
  if (run.report.stopped !== null) return "configuration stop";
  if (run.breaker.open) return "circuit breaker";
  return undefined;
}

/**
 * Decides what `entry` needs. Anything unforeseen (a ledger shard that
 * cannot be read) is a transient failure of that entry alone.
 */
export function decideEntry(run: PushRun, entry: QueueEntry): EntryVerdict {
  try {
    return decide(run, entry);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "transient", reason: "error", error: { file: entry.path, error: message } };
  }
}

function decide(run: PushRun, entry: QueueEntry): EntryVerdict {
  if (entry.sessionId !== "" && run.privateIds.has(entry.sessionId)) return { kind: "private" };
  const held = heldReason(run);
  if (held !== undefined) return { kind: "held", reason: held };
  const verdict = run.paths.check(entry.path);
  if (!verdict.ok && verdict.reason === "missing") {
    const error = { file: entry.path, error: "transcript not found (yet)" };
    return { kind: "transient", reason: "not_found", error };
  }
  if (!verdict.ok) {
    const error = { file: entry.path, error: `refused: ${verdict.reason}` };
    return { kind: "failed", reason: verdict.reason, error };
  }
  if (run.ledger.has(entry.path, verdict.size, verdict.mtimeMs)) {
    return { kind: "already_uploaded" }; // sent to this server already, unchanged since
  }
  if (run.shared?.has(sessionOfPath(entry.path), verdict.size)) {
    return { kind: "already_uploaded" }; // the Python tool sent it at this size
  }
  return { kind: "upload", verdict };
}
