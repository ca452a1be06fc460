/**
 * Step 3 of a push: decide each entry's fate and send what may be sent,
 * a bounded number at a time over the one client.
 *
 * @module
 */

import type { HttpOutcome } from "../http/client.ts";
import { classifyOutcome, retryWithinRunMs } from "../http/outcome.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import { decideEntry, heldReason, type UploadToMake } from "./_decide.ts";
import { applyOutcome, type EntryOutcome, noteOutcome } from "./_outcomes.ts";
import { flushFullBuffers, hasFullBuffer } from "./_record_outcomes.ts";
import { openLog } from "../store/log_file.ts";
import { uploadTranscript } from "./_upload_content.ts";
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
async function send(run: PushRun, entry: QueueEntry, upload: UploadToMake): Promise<HttpOutcome> {
  const maxWaitMs = run.options.maxRetryAfterMs ?? 5_000;
  const { realPath: source, size } = upload.verdict;
  for (let attempt = 0;; attempt++) {
    const answer = await uploadTranscript(run.options.client, entry.path, {
      gzip: run.gzip,
      source,
      size,
    });
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
  if (answer.kind === "http" && answer.status === 401) run.report.tokenRejected = true;
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

/**
 * Uploads one entry and applies the answer. The run may have stopped while
 * it waited for a free lane: then it is held. Anything unforeseen (the
 * upload, or recording it, failing) is a transient failure of that entry
 * alone: it is requeued, and sent again later.
 */
async function sendEntry(run: PushRun, entry: QueueEntry, upload: UploadToMake): Promise<void> {
  try {
    const held = heldReason(run);
    const outcome: EntryOutcome = held !== undefined
      ? { kind: "held", reason: held }
      : outcomeOfAnswer(
        run,
        entry,
        await send(run, entry, upload),
        upload.verdict,
      );
    await applyOutcome(run, entry, outcome);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    noteOutcome(run, entry, {
      kind: "transient",
      reason: "error",
      error: { file: entry.path, error: message },
    });
  }
}

/**
 * Opens the uploaded log before the first upload. A push that could not
 * record its uploads would send them again at every run, so it stops here,
 * having sent nothing, and its snapshots stay for the next push.
 */
async function openUploadedLog(run: PushRun): Promise<void> {
  if (run.uploadedLog !== undefined) return;
  const { workspace } = run.options;
  try {
    run.uploadedLog = await openLog(workspace, "uploadedLog");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot open the uploaded log "${
        workspace.file("uploadedLog")
      }": ${message}; nothing was uploaded, and the next push finishes this one`,
      { cause: error },
    );
  }
}

/** Uploads in flight, at most `limit` at once. */
class Lanes {
  readonly #running = new Set<Promise<void>>();
  constructor(readonly limit: number) {}

  /** Starts `task` once a lane is free. */
  async start(task: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.limit) await Promise.race(this.#running);
    const running: Promise<void> = task().finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Waits for every upload in flight. */
  async drain(): Promise<void> {
    await Promise.all(this.#running);
  }
}

/**
 * Sends `total` entries, given in batches, recording each outcome in `run`:
 * each is decided here (most of a long queue needs no upload, and costs no
 * await), and the uploads run at most `concurrency` (1 to 64, default 4) at
 * a time. The batches are taken as they are sent, so they may be a stream of
 * any length.
 */
export async function sendEntries(
  run: PushRun,
  batches: Iterable<readonly QueueEntry[]> | AsyncIterable<readonly QueueEntry[]>,
  total: number,
): Promise<void> {
  const lanes = new Lanes(Math.max(1, Math.min(run.options.concurrency ?? 4, 64)));
  let done = 0;
  const progress = () => run.options.onProgress?.(++done, total);
  for await (const batch of batches) {
    for (const entry of batch) {
      const decision = decideEntry(run, entry);
      if (decision.kind === "upload") {
        await openUploadedLog(run);
        await lanes.start(() => sendEntry(run, entry, decision).then(progress));
        continue;
      }
      noteOutcome(run, entry, decision);
      progress();
      if (hasFullBuffer(run)) await flushFullBuffers(run);
    }
  }
  await lanes.drain();
}
