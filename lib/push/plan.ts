/**
 * What `push --dry-run` shows: exactly what a push would upload now, and
 * apart from it what it would skip and why (private, refused, not there yet,
 * already uploaded to this server), read from the recovery snapshots and the
 * live queue (and, with `scan`, Claude Code's projects folder) without
 * consuming, locking or sending anything.
 *
 * @module
 */

import { findTranscripts, isWorkspaceTranscript, projectsRoot } from "../claude/transcripts.ts";
import { EntryIndex, expectedEntries } from "../store/entry_index.ts";
import { readQueueRows } from "../store/queue_reader.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import { readPrivateList } from "../store/private_list.ts";
import { listSnapshots } from "../store/snapshot.ts";
import { sessionOfPath, SharedUploads } from "../store/shared_uploads.ts";
import { UploadLedger } from "../store/upload_ledger.ts";
import type { Workspace } from "../store/workspace.ts";
import { findLocalMd, prepareLocalMd } from "./local_md.ts";
import { UploadPathChecker } from "./path_safety.ts";

/** A queued entry, as a plan lists it. */
export interface PlannedEntry {
  /** The session id (empty for legacy rows). */
  sessionId: string;
  /** The transcript. */
  path: string;
}

/** What a dry run would do. */
export interface PushPlan {
  /** What a push would upload now, in order. */
  upload: PlannedEntry[];
  /** Private sessions it would skip (and log). */
  privateSkips: PlannedEntry[];
  /** Entries it would refuse for good (failed log), with the reason. */
  refused: (PlannedEntry & { reason: string })[];
  /** Transcripts not there yet: they stay queued. */
  missing: PlannedEntry[];
  /** Transcripts already sent unchanged to this server. */
  alreadyUploaded: PlannedEntry[];
  /** `CLAUDE.local.md` when it would be uploaded, else `null`. */
  localMd: string | null;
  /** Why `CLAUDE.local.md` would not be uploaded, when it is there but refused. */
  localMdRefused: string | null;
  /** The uploaded log's path. */
  uploadedLog: string;
}

/** Options for {@linkcode planPush}. */
export interface PlanOptions {
  /** The server whose upload ledger says what was already sent. */
  server: string;
  /** Folders transcripts may be uploaded from. */
  allowedRoots: readonly string[];
  /** Include what `push --scan` would find. */
  scan?: boolean;
  /** Claude Code's projects folder, for `scan`. */
  projectsRoot?: string;
  /** The server the Python `agnes` tool pushes to (see `PushOptions.sharedServer`). */
  sharedServer?: string | undefined;
}

/** Every distinct entry the queue files hold (two streamed passes), then what a scan would add. */
async function* plannedEntries(
  workspace: Workspace,
  options: PlanOptions,
): AsyncGenerator<QueueEntry> {
  const files = [...await listSnapshots(workspace), workspace.file("queue")];
  const found = options.scan
    ? findTranscripts(options.projectsRoot ?? projectsRoot(), workspace.root)
    : [];
  const candidates = new Map(found.map((transcript) => [transcript.path, transcript]));
  const index = new EntryIndex(expectedEntries(files));
  for (const file of files) {
    for (const batch of readQueueRows(file)) {
      for (const row of batch) {
        if ("reason" in row) continue;
        index.add(row);
        candidates.delete(row.path);
      }
    }
  }
  for (const file of files) {
    for (const batch of readQueueRows(file)) {
      for (const row of batch) {
        const entry = "reason" in row ? undefined : index.take(row);
        if (entry !== undefined) yield entry;
      }
    }
  }
  for (const transcript of candidates.values()) {
    if (!isWorkspaceTranscript(transcript, workspace.root)) continue;
    yield { sessionId: transcript.sessionId, path: transcript.path, stamp: "" };
  }
}

/** Sorts one entry into the plan, as a push would decide it. */
function classify(plan: PushPlan, entry: QueueEntry, context: {
  privateIds: Set<string>;
  ledger: UploadLedger;
  shared: SharedUploads | undefined;
  paths: UploadPathChecker;
}): void {
  const planned = { sessionId: entry.sessionId, path: entry.path };
  if (entry.sessionId !== "" && context.privateIds.has(entry.sessionId)) {
    return void plan.privateSkips.push(planned);
  }
  const verdict = context.paths.check(entry.path);
  if (!verdict.ok && verdict.reason === "missing") return void plan.missing.push(planned);
  if (!verdict.ok) return void plan.refused.push({ ...planned, reason: verdict.reason });
  if (
    context.ledger.has(entry.path, verdict.size, verdict.mtimeMs) ||
    context.shared?.has(sessionOfPath(entry.path), verdict.size)
  ) {
    return void plan.alreadyUploaded.push(planned);
  }
  plan.upload.push(planned);
}

/**
 * Says what a push would upload and skip, touching nothing.
 *
 * @example
 * ```ts
 * import { planPush, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const plan = await planPush(workspace, { server: "https://agnes.example.com", allowedRoots: [] });
 * deepStrictEqual([plan.upload, plan.localMd], [[], null]);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function planPush(workspace: Workspace, options: PlanOptions): Promise<PushPlan> {
  const plan: PushPlan = {
    upload: [],
    privateSkips: [],
    refused: [],
    missing: [],
    alreadyUploaded: [],
    localMd: null,
    localMdRefused: null,
    uploadedLog: workspace.file("uploadedLog"),
  };
  const context = {
    privateIds: await readPrivateList(workspace),
    ledger: new UploadLedger(workspace, options.server),
    shared: options.sharedServer?.replace(/\/+$/, "") === options.server.replace(/\/+$/, "")
      ? await SharedUploads.read(workspace, options.server, { persist: false })
      : undefined,
    paths: new UploadPathChecker(options.allowedRoots),
  };
  for await (const entry of plannedEntries(workspace, options)) {
    classify(plan, entry, context);
  }
  await planLocalMd(plan, workspace, context.ledger);
  return plan;
}

/** `CLAUDE.local.md` goes into the plan when a push would send it: readable, and changed since it was last sent. */
async function planLocalMd(plan: PushPlan, workspace: Workspace, ledger: UploadLedger) {
  const path = findLocalMd(workspace);
  if (path === undefined) return;
  const prepared = await prepareLocalMd(path);
  if (typeof prepared === "string") plan.localMdRefused = prepared;
  else if (await ledger.localMdDigest() !== prepared.digest) plan.localMd = path;
}
