/**
 * The push pipeline (SPEC section 6): take the push lock, snapshot the queue,
 * upload what may be uploaded, classify every outcome, and make each outcome
 * durable before the snapshot holding it is deleted. A push killed at any
 * instant loses nothing: the next one finds the snapshot and finishes it.
 *
 * @module
 */

import { baseName, isAbsolutePath, joinPath } from "./_path.ts";
import {
  type AgnesClient,
  classifyOutcome,
  compareVersions,
  type HttpOutcome,
  type OutcomeClass,
} from "./client.ts";
import { ConfigurationError } from "./config.ts";
import { acquireLock, type HeldLock } from "./lock.ts";
import { appendLog, failedLogRows, privateSkippedLogRows, uploadedLogRows } from "./logs.ts";
import type { FailedRow, PrivateSkippedRow } from "./logs.ts";
import { checkUploadPath } from "./path_safety.ts";
import { readPrivateList } from "./private_list.ts";
import {
  dedupeEntries,
  discardSnapshot,
  listSnapshots,
  type MalformedRow,
  type QueueEntry,
  readQueueFile,
  requeueEntries,
  snapshotQueue,
} from "./queue.ts";
import { redactJwtBytes } from "./redact.ts";
import { readLines, syncFile, writeFileAtomic } from "./text_file.ts";
import { formatTimestamp, isRetryExpired } from "./timestamp.ts";
import { VERSION } from "./version.ts";
import type { Workspace } from "./workspace.ts";

/** One failure in a push report: an HTTP status, or an error text. */
export type PushError = { file: string; status: number } | { file: string; error: string };

/** What a push did; the same keys on every path (`--json`). */
export interface PushReport {
  /** Transcripts uploaded. */
  sessions: number;
  /** Whether `CLAUDE.local.md` was uploaded. */
  local_md: boolean;
  /** Every failure, transient or permanent. */
  errors: PushError[];
  /** Private sessions skipped (and logged). */
  private_skipped: number;
  /** Entries given up: permanent failures, expired retries, unsafe paths, malformed rows. */
  dropped_permanent: number;
  /** Entries put back on the queue for the next push. */
  requeued: number;
  /** Why entries were requeued (`503`, `network error`, `not_found`, `circuit breaker`, …). */
  requeue_reasons: string[];
  /** Entries skipped because the same file was already uploaded unchanged. */
  already_uploaded: number;
  /** Set when the push stopped on a configuration problem (exit 1). */
  stopped: string | null;
}

/** Options for {@linkcode push}. */
export interface PushOptions {
  /** The workspace to push. */
  workspace: Workspace;
  /** The server client (its token is never reported). */
  client: Pick<AgnesClient, "health" | "uploadSession" | "uploadLocalMd">;
  /** Folders transcripts may be uploaded from (projects root, `--allow-path`). */
  allowedRoots: readonly string[];
  /** Parallel uploads. Default 4. */
  concurrency?: number;
  /** `false` never gzips; otherwise gzip when the server accepts it. */
  gzip?: boolean;
  /** Give entries of the failed log one more try. */
  retryFailed?: boolean;
  /** The clock, for the 30-day rule. */
  now?: () => Date;
  /** Consecutive transient failures that trip the circuit breaker. Default 5. */
  breakerThreshold?: number;
  /** Longest `Retry-After` honoured within a run, in ms. Default 5 000. */
  maxRetryAfterMs?: number;
  /** Called after each entry with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

const LOCAL_MD = "CLAUDE.local.md";
const LOCAL_MD_STATE = "agnes-local-md-uploaded.txt";

/** An empty report. */
function emptyReport(): PushReport {
  return {
    sessions: 0,
    local_md: false,
    errors: [],
    private_skipped: 0,
    dropped_permanent: 0,
    requeued: 0,
    requeue_reasons: [],
    already_uploaded: 0,
    stopped: null,
  };
}

function describeOutcome(outcome: HttpOutcome): string {
  return outcome.kind === "http" ? String(outcome.status) : "network error";
}

function errorOf(file: string, outcome: HttpOutcome | string): PushError {
  if (typeof outcome === "string") return { file, error: outcome };
  return outcome.kind === "http"
    ? { file, status: outcome.status }
    : { file, error: outcome.error };
}

/** `size:mtime` of every upload recorded with our extra columns, by path. */
async function uploadedVersions(workspace: Workspace): Promise<Map<string, Set<string>>> {
  const versions = new Map<string, Set<string>>();
  for await (const row of readLines(workspace.file("uploadedLog"))) {
    if (!row.ok) continue;
    const [, path, size, mtime] = row.text.split("\t");
    if (path === undefined || size === undefined || mtime === undefined) continue;
    const seen = versions.get(path) ?? new Set();
    seen.add(`${size}:${mtime}`);
    versions.set(path, seen);
  }
  return versions;
}

/**
 * Failed-log entries worth one more try (`--retry-failed`), and the rows to
 * keep when the log is rewritten without them. `keep` is `undefined` when the
 * log holds a row that cannot be read back byte for byte: such a log is only
 * ever appended to, so nothing in it is lost.
 */
async function failedForRetry(
  workspace: Workspace,
): Promise<{ retry: QueueEntry[]; keep: string[] | undefined }> {
  const retry: QueueEntry[] = [];
  let keep: string[] | undefined = [];
  for await (const row of readLines(workspace.file("failedLog"))) {
    if (!row.ok) {
      keep = undefined;
      continue;
    }
    const [, sessionId = "", reason = "", path = ""] = row.text.split("\t");
    // A malformed row's "path" is a preview of the row, not a transcript.
    if (reason !== "malformed" && isAbsolutePath(path)) retry.push({ sessionId, path, stamp: "" });
    else keep?.push(row.text);
  }
  return { retry, keep };
}

function malformedRows(rows: readonly MalformedRow[]): FailedRow[] {
  return rows.map(({ reason, preview }) => ({
    sessionId: "",
    reason: "malformed",
    // deno-lint-ignore no-control-regex
    path: `[${reason}] ${preview}`.replace(/[\t\r\n\u0000]/g, " ").slice(0, 240),
  }));
}

function isRegularFile(path: string): Promise<boolean> {
  return Deno.stat(path).then((info) => info.isFile, () => false);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pushes the workspace's queued transcripts and `CLAUDE.local.md`. Returns
 * `null` when another push holds this workspace's push lock (or it cannot be
 * taken): nothing was done.
 *
 * @throws {ConfigurationError} when the private list cannot be read (nothing
 * is uploaded when privacy is unknown).
 *
 * @example
 * ```ts ignore
 * import { AgnesClient, projectsRoot, push, Workspace } from "@agnes/sessions";
 *
 * using client = new AgnesClient({ server: "https://agnes.example.com", token: "…" });
 * const report = await push({ workspace: Workspace.resolve(), client, allowedRoots: [projectsRoot()] });
 * console.log(`Uploaded ${report.sessions} sessions`);
 * ```
 */
export async function push(options: PushOptions): Promise<PushReport | null> {
  const { workspace } = options;
  const report = emptyReport();
  const localMdPath = joinPath(workspace.root, LOCAL_MD);
  const hasLocalMd = await isRegularFile(localMdPath);
  if (!await workspace.hasStateDir() && !hasLocalMd) return report; // an empty workspace: create nothing
  await workspace.ensureStateDir();

  let lock: HeldLock;
  try {
    lock = await acquireLock(workspace.file("pushLock"), { timeoutMs: 0, purpose: "push" });
  } catch {
    return null; // held, or cannot be taken: another push owns this run
  }
  try {
    await pushLocked(options, report, localMdPath, hasLocalMd);
  } finally {
    await lock.release();
  }
  return report;
}

async function pushLocked(
  options: PushOptions,
  report: PushReport,
  localMdPath: string,
  hasLocalMd: boolean,
): Promise<void> {
  const { workspace, client } = options;
  const now = options.now ?? (() => new Date());
  let privateIds: Set<string>;
  try {
    privateIds = await readPrivateList(workspace);
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the private list: ${(error as Error).message}; nothing was uploaded`,
    );
  }

  // Recovery snapshots first, then the live queue renamed to a fresh snapshot.
  const snapshots = await listSnapshots(workspace);
  const fresh = await snapshotQueue(workspace);
  if (fresh !== undefined) snapshots.push(fresh);
  const queued: QueueEntry[] = [];
  const failedRows: FailedRow[] = [];
  for (const snapshot of snapshots) {
    const { entries, malformed } = await readQueueFile(snapshot);
    queued.push(...entries);
    failedRows.push(...malformedRows(malformed));
  }
  report.dropped_permanent += failedRows.length;
  const retried = options.retryFailed ? await failedForRetry(workspace) : undefined;
  const entries = dedupeEntries([...queued, ...(retried?.retry ?? [])]);
  const uploaded = entries.length > 0 ? await uploadedVersions(workspace) : new Map();

  const info = entries.length > 0 || hasLocalMd
    ? await client.health()
    : { accepts: new Set<string>() };
  if (info.minVersion !== undefined && compareVersions(info.minVersion, VERSION) > 0) {
    report.stopped =
      `the server needs agnes-sessions ${info.minVersion} or newer (this is ${VERSION}): update it`;
  }
  const gzip = options.gzip !== false && info.accepts.has("session-gzip");

  const privateRows: PrivateSkippedRow[] = [];
  const requeue: QueueEntry[] = [];
  const reasons = new Set<string>();
  let consecutiveTransient = 0;
  let breaker = false;
  let done = 0;

  const give = (entry: QueueEntry, reason: string, error: PushError) => {
    failedRows.push({ sessionId: entry.sessionId, reason, path: entry.path });
    report.dropped_permanent++;
    report.errors.push(error);
  };
  const retryLater = (entry: QueueEntry, reason: string, lastStatus: string | undefined) => {
    const stamp = entry.stamp || formatTimestamp(now());
    if (isRetryExpired(stamp, now())) {
      const expired = lastStatus ??
        (reason === "not_found" ? "not_found_expired" : "retry_expired");
      give(entry, expired, { file: entry.path, error: `gave up after 30 days (${expired})` });
      return;
    }
    requeue.push({ ...entry, stamp });
    reasons.add(reason);
  };

  async function upload(entry: QueueEntry, source: string): Promise<HttpOutcome> {
    for (let attempt = 0;; attempt++) {
      const outcome = await client.uploadSession(entry.path, { gzip, source });
      const wait = outcome.kind === "http" && (outcome.status === 429 || outcome.status === 503)
        ? outcome.retryAfterMs
        : undefined;
      if (wait === undefined || attempt >= 2 || wait > (options.maxRetryAfterMs ?? 5_000)) {
        return outcome;
      }
      await sleep(wait);
    }
  }

  async function handle(entry: QueueEntry): Promise<void> {
    if (entry.sessionId !== "" && privateIds.has(entry.sessionId)) {
      privateRows.push({ sessionId: entry.sessionId, path: entry.path });
      report.private_skipped++;
      return;
    }
    if (report.stopped !== null || breaker) {
      requeue.push(entry); // untouched: no new stamp
      reasons.add(report.stopped !== null ? "configuration stop" : "circuit breaker");
      return;
    }
    try {
      await send(entry);
    } catch (error) {
      // Anything unforeseen for one entry is a transient failure of that entry.
      const message = error instanceof Error ? error.message : String(error);
      report.errors.push({ file: entry.path, error: message });
      retryLater(entry, "error", undefined);
    }
  }

  async function send(entry: QueueEntry): Promise<void> {
    const verdict = await checkUploadPath(entry.path, options.allowedRoots);
    if (!verdict.ok) {
      if (verdict.reason === "missing") {
        report.errors.push({ file: entry.path, error: "transcript not found (yet)" });
        retryLater(entry, "not_found", undefined);
      } else {
        give(entry, verdict.reason, { file: entry.path, error: `refused: ${verdict.reason}` });
      }
      return;
    }
    const version = `${verdict.size}:${verdict.mtimeMs}`;
    if (uploaded.get(entry.path)?.has(version)) {
      report.already_uploaded++; // a crashed push sent it already, unchanged since
      return;
    }
    const outcome = await upload(entry, verdict.realPath);
    const verdictClass: OutcomeClass = classifyOutcome(outcome);
    switch (verdictClass) {
      case "success":
        consecutiveTransient = 0;
        report.sessions++;
        // Written at once (synced before any snapshot is deleted), so a push
        // killed later does not send this file again.
        await appendLog(
          workspace,
          "uploadedLog",
          uploadedLogRows([
            { path: entry.path, extra: [String(verdict.size), String(verdict.mtimeMs)] },
          ], now()),
          { sync: false },
        );
        return;
      case "moved":
      case "too_old": {
        const where = outcome.kind === "http" ? outcome.location : undefined;
        report.stopped ??= verdictClass === "moved"
          ? `the server answered ${describeOutcome(outcome)} (moved${
            where ? ` to ${where}` : ""
          }): check the server URL`
          : `the server needs a newer agnes-sessions than ${VERSION}: update it`;
        report.errors.push(errorOf(entry.path, outcome));
        requeue.push(entry);
        reasons.add("configuration stop");
        return;
      }
      case "transient": {
        consecutiveTransient++;
        report.errors.push(errorOf(entry.path, outcome));
        const status = outcome.kind === "http" ? String(outcome.status) : undefined;
        retryLater(entry, describeOutcome(outcome), status);
        if (status === "401" || consecutiveTransient >= (options.breakerThreshold ?? 5)) {
          breaker = true;
        }
        return;
      }
      case "permanent":
        give(entry, describeOutcome(outcome), errorOf(entry.path, outcome));
        return;
    }
  }

  // Bounded parallel uploads: each worker takes the next entry.
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++]!;
      await handle(entry);
      options.onProgress?.(++done, entries.length);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 64));
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));

  // Durability order: outcomes, then requeues, are on disk before any snapshot goes.
  await syncFile(workspace.file("uploadedLog"));
  await appendLog(workspace, "privateSkippedLog", privateSkippedLogRows(privateRows, now()));
  const newFailures = failedLogRows(failedRows, now());
  if (retried?.keep === undefined) {
    await appendLog(workspace, "failedLog", newFailures);
  } else {
    // The retried rows leave the log and their new outcomes enter it in one atomic step.
    const rows = [...retried.keep, ...newFailures];
    await writeFileAtomic(workspace.file("failedLog"), rows.map((row) => row + "\n").join(""));
  }
  await requeueEntries(workspace, requeue);
  report.requeued = requeue.length;
  report.requeue_reasons = [...reasons];
  for (const snapshot of snapshots) await discardSnapshot(snapshot);

  if (hasLocalMd && report.stopped === null && !breaker) {
    await pushLocalMd(options, report, localMdPath);
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Uploads `CLAUDE.local.md` (redacted) unless it is unchanged since its last upload. */
async function pushLocalMd(options: PushOptions, report: PushReport, path: string): Promise<void> {
  const { workspace, client } = options;
  const statePath = joinPath(workspace.stateDir, LOCAL_MD_STATE);
  const { output } = redactJwtBytes(await Deno.readFile(path), true);
  const bytes = new Uint8Array(output);
  const digest = await sha256Hex(bytes);
  let last = "";
  for await (const row of readLines(statePath)) if (row.ok) last = row.text.split("\t")[1] ?? "";
  if (last === digest) return;
  const outcome = await client.uploadLocalMd(new TextDecoder().decode(bytes));
  if (classifyOutcome(outcome) === "success") {
    report.local_md = true;
    await writeFileAtomic(statePath, `${formatTimestamp(new Date())}\t${digest}\n`);
  } else {
    report.errors.push(errorOf(baseName(path), outcome));
  }
}

/** What a dry run would do (SPEC section 5, `push --dry-run`). */
export interface PushPlan {
  /** Paths that would be uploaded, in order. */
  sessions: string[];
  /** Private entries that would be skipped. */
  privateSkips: { session_id: string; path: string }[];
  /** `CLAUDE.local.md`, when present. */
  localMd: string | null;
  /** The uploaded log's path. */
  uploadedLog: string;
}

/**
 * Reads recovery snapshots and the live queue without consuming or locking
 * anything, and says what a push would upload and skip.
 *
 * @example
 * ```ts
 * import { planPush, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual((await planPush(workspace)).sessions, []);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function planPush(workspace: Workspace): Promise<PushPlan> {
  const privateIds = await readPrivateList(workspace);
  const files = [...await listSnapshots(workspace), workspace.file("queue")];
  const entries: QueueEntry[] = [];
  for (const file of files) entries.push(...(await readQueueFile(file)).entries);
  const plan: PushPlan = {
    sessions: [],
    privateSkips: [],
    localMd: null,
    uploadedLog: workspace.file("uploadedLog"),
  };
  for (const entry of dedupeEntries(entries)) {
    if (entry.sessionId !== "" && privateIds.has(entry.sessionId)) {
      plan.privateSkips.push({ session_id: entry.sessionId, path: entry.path });
    } else {
      plan.sessions.push(entry.path);
    }
  }
  const localMd = joinPath(workspace.root, LOCAL_MD);
  if (await isRegularFile(localMd)) plan.localMd = localMd;
  return plan;
}
