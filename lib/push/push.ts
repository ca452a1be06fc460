/**
 * The push pipeline: collect → gzip check → send → record, then
 * `CLAUDE.local.md`, all under the workspace's push lock.
 *
 * Each step is a plain function of one explicit run state (`_run.ts`):
 * `_collect.ts` gathers recovery snapshots, the live queue and retried
 * failures; `_gzip_check.ts` asks the health check whether the server takes gzip; `_send.ts` decides
 * each entry's fate and uploads, a bounded number at a time; `_outcomes.ts`
 * turns each fate into report counts, log rows and requeues; `_record_outcomes.ts`
 * makes them durable before any snapshot is deleted. A push killed at any
 * instant loses nothing: the next one finds the snapshot and finishes it.
 *
 * @module
 */

import { acquireLock } from "../lock/acquire_lock.ts";
import type { HeldLock } from "../lock/held_lock.ts";
import { writeStamp } from "../store/stamp.ts";
import type { Workspace } from "../store/workspace.ts";
import { collectEntries } from "./_collect.ts";
import { checkGzipSupport } from "./_gzip_check.ts";
import { findLocalMd, pushLocalMd } from "./local_md.ts";
import type { PushOptions } from "./options.ts";
import { recordOutcomes } from "./_record_outcomes.ts";
import { emptyReport, type PushReport } from "./report.ts";
import { endRun, type PushRun, startRun } from "./_run.ts";
import { hasTranscriptsToScan } from "./_scan.ts";
import { sendEntries } from "./_send.ts";

/** The workspace's push lock, without waiting; `undefined` when held or not takeable. */
async function tryPushLock(workspace: Workspace): Promise<HeldLock | undefined> {
  try {
    return await acquireLock(workspace.file("pushLock"), { timeoutMs: 0, purpose: "push" });
  } catch {
    return undefined; // held, or cannot be taken: another push owns this run
  }
}

/**
 * Pushes the workspace's queued transcripts and `CLAUDE.local.md`. Returns
 * `null` when another push holds this workspace's push lock (or it cannot be
 * taken): nothing was done.
 *
 * Requires `--allow-read`, `--allow-write`, `--allow-net` (and
 * `--allow-sys=hostname` for the lock's owner record).
 *
 * @throws {ConfigurationError} when the private list cannot be read (nothing
 * is uploaded when privacy is unknown).
 *
 * @example Push to a receiver on loopback
 * ```ts
 * import { AgnesClient, appendToQueue, push, serveReceiver, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const workspace = new Workspace(`${root}/w`);
 * await Deno.mkdir(`${root}/w`);
 * await Deno.mkdir(`${root}/projects`);
 * await Deno.writeTextFile(`${root}/projects/s1.jsonl`, "{}\n");
 * await appendToQueue(workspace, [{ sessionId: "s1", path: `${root}/projects/s1.jsonl`, stamp: "" }]);
 * let url = "";
 * const server = serveReceiver({ dataDir: `${root}/data`, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   const report = await push({ workspace, client, allowedRoots: [`${root}/projects`] });
 *   deepStrictEqual(report?.sessions, 1);
 * }
 * await server.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function push(options: PushOptions): Promise<PushReport | null> {
  const { workspace } = options;
  if (!await workspace.hasStateDir()) {
    // No queue and no logs: only a scan may find something to send; else nothing is created.
    if (!(options.scan && hasTranscriptsToScan(options))) return emptyReport();
    await workspace.ensureStateDir();
  }
  const localMd = findLocalMd(workspace);
  const lock = await tryPushLock(workspace);
  if (lock === undefined) return null;
  try {
    const run = await startRun(options);
    try {
      return await pushRun(run, localMd);
    } finally {
      await endRun(run);
    }
  } finally {
    await lock.release();
  }
}

/** The steps of a push, on a run started under the push lock. */
async function pushRun(run: PushRun, localMd: string | undefined): Promise<PushReport> {
  const collected = await collectEntries(run);
  await checkGzipSupport(run, collected.size, localMd !== undefined);
  await sendEntries(run, collected.entries, collected.size);
  await recordOutcomes(run, collected);
  const stopped = run.report.stopped !== null || run.breaker.open;
  if (localMd !== undefined && !stopped) await pushLocalMd(run, localMd);
  if (!stopped && !run.report.tokenRejected) await stampSuccess(run.options.workspace);
  return run.report;
}

/**
 * Touches `agnes-last-push.stamp`: this push finished without a stop (no
 * rejected token, no server that moved, no open circuit breaker), so what it
 * left queued was tried. The SessionStart hook's catch-up compares the queue
 * and snapshots with its time. A stamp that cannot be written costs only an
 * earlier catch-up: the push still succeeded.
 */
async function stampSuccess(workspace: Workspace): Promise<void> {
  try {
    await writeStamp(workspace.file("lastPushStamp"));
  } catch {
    // See above.
  }
}
