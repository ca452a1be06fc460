/**
 * Step 3 of a push: decide each entry's fate and send what may be sent,
 * a bounded number at a time over the one client.
 *
 * @module
 */

import type { HttpOutcome } from "../http/client.ts";
import { classifyOutcome, retryWithinRunMs } from "../http/outcome.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import { applyOutcome, type EntryOutcome } from "./_outcomes.ts";
import { checkUploadPath } from "./path_safety.ts";
import type { PushError } from "./report.ts";
import type { PushRun } from "./_run.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeAnswer(answer: HttpOutcome): string {
  return answer.kind === "http" ? String(answer.status) : "network error";
}

function errorOf(file: string, answer: HttpOutcome): PushError {
  return answer.kind === "http" ? { file, status: answer.status } : { file, error: answer.error };
}

/** Uploads one transcript, waiting out a short `Retry-After` (429, 503) at most twice. */
async function upload(run: PushRun, entry: QueueEntry, source: string): Promise<HttpOutcome> {
  const maxWaitMs = run.options.maxRetryAfterMs ?? 5_000;
  for (let attempt = 0;; attempt++) {
    const answer = await run.options.client.uploadSession(entry.path, { gzip: run.gzip, source });
    const wait = retryWithinRunMs(answer, attempt, maxWaitMs);
    if (wait === undefined) return answer;
    await sleep(wait);
  }
}

/** What the server's answer to an upload means for the entry. */
function outcomeOfAnswer(
  run: PushRun,
  entry: QueueEntry,
  answer: HttpOutcome,
  version: { size: number; mtimeMs: number },
): EntryOutcome {
  run.breaker.record(answer);
  const error = errorOf(entry.path, answer);
  switch (classifyOutcome(answer)) {
    case "success":
      return { kind: "uploaded", ...version };
    case "moved": {
      const where = answer.kind === "http" && answer.location ? ` to ${answer.location}` : "";
      const message = `the server answered ${
        describeAnswer(answer)
      } (moved${where}): check the server URL`;
      return { kind: "stop", message, error };
    }
    case "transient": {
      const lastStatus = answer.kind === "http" ? String(answer.status) : undefined;
      return {
        kind: "transient",
        reason: describeAnswer(answer),
        ...(lastStatus ? { lastStatus } : {}),
        error,
      };
    }
    case "permanent":
      return { kind: "failed", reason: describeAnswer(answer), error };
  }
}

/** Decides one entry's fate, uploading it when it may be uploaded. */
async function decideEntry(run: PushRun, entry: QueueEntry): Promise<EntryOutcome> {
  if (entry.sessionId !== "" && run.privateIds.has(entry.sessionId)) return { kind: "private" };
  if (run.report.stopped !== null) return { kind: "held", reason: "configuration stop" };
  if (run.breaker.open) return { kind: "held", reason: "circuit breaker" };
  const verdict = await checkUploadPath(entry.path, run.options.allowedRoots);
  if (!verdict.ok && verdict.reason === "missing") {
    const error = { file: entry.path, error: "transcript not found (yet)" };
    return { kind: "transient", reason: "not_found", error };
  }
  if (!verdict.ok) {
    const error = { file: entry.path, error: `refused: ${verdict.reason}` };
    return { kind: "failed", reason: verdict.reason, error };
  }
  if (await run.ledger.has(entry.path, verdict.size, verdict.mtimeMs)) {
    return { kind: "already_uploaded" }; // sent to this server already, unchanged since
  }
  const answer = await upload(run, entry, verdict.realPath);
  return outcomeOfAnswer(run, entry, answer, verdict);
}

/** Decides and applies one entry's outcome; anything unforeseen is a transient failure of that entry alone. */
async function sendEntry(run: PushRun, entry: QueueEntry): Promise<void> {
  try {
    await applyOutcome(run, entry, await decideEntry(run, entry));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const outcome: EntryOutcome = {
      kind: "transient",
      reason: "error",
      error: { file: entry.path, error: message },
    };
    await applyOutcome(run, entry, outcome);
  }
}

/** How many entries of the run are done, for the progress callback. */
interface Progress {
  done: number;
  readonly total: number;
}

/** One upload lane: takes the next entry until none is left. */
async function lane(
  run: PushRun,
  pending: Iterator<QueueEntry>,
  progress: Progress,
): Promise<void> {
  for (let next = pending.next(); !next.done; next = pending.next()) {
    await sendEntry(run, next.value);
    run.options.onProgress?.(++progress.done, progress.total);
  }
}

/**
 * Sends every entry, at most `concurrency` (1 to 64, default 4) at a time,
 * recording each outcome in `run`.
 *
 * @example
 * ```ts
 * import { sendEntries } from "./_send.ts";
 * import { startRun } from "./_run.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * using client = new AgnesClient({ server: "http://127.0.0.1:9", token: "t" }); // never called here
 * const run = await startRun({ workspace, client, allowedRoots: [workspace.root] });
 * await sendEntries(run, [{ sessionId: "s", path: `${workspace.root}/not-yet.jsonl`, stamp: "" }]);
 * deepStrictEqual([...run.requeueReasons], ["not_found"]);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function sendEntries(run: PushRun, entries: readonly QueueEntry[]): Promise<void> {
  const pending = entries.values();
  const progress: Progress = { done: 0, total: entries.length };
  const concurrency = Math.max(1, Math.min(run.options.concurrency ?? 4, 64));
  const lanes = Math.min(concurrency, entries.length);
  await Promise.all(Array.from({ length: lanes }, () => lane(run, pending, progress)));
}
