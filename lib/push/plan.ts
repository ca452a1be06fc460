/**
 * What `push --dry-run` shows: what a push would upload and skip, read from
 * the recovery snapshots and the live queue without consuming or locking
 * anything.
 *
 * @module
 */

import { readQueueFile } from "../store/queue_reader.ts";
import { dedupeEntries, type QueueEntry } from "../store/queue_entry.ts";
import { readPrivateList } from "../store/private_list.ts";
import { listSnapshots } from "../store/snapshot.ts";
import type { Workspace } from "../store/workspace.ts";
import { findLocalMd } from "./local_md.ts";

/** What a dry run would do. */
export interface PushPlan {
  /** Paths that would be uploaded, in order. */
  sessions: string[];
  /** Private entries that would be skipped. */
  privateSkips: { sessionId: string; path: string }[];
  /** `CLAUDE.local.md`, when present. */
  localMd: string | null;
  /** The uploaded log's path. */
  uploadedLog: string;
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
 * deepStrictEqual((await planPush(workspace)).sessions, []);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function planPush(workspace: Workspace): Promise<PushPlan> {
  const privateIds = await readPrivateList(workspace);
  const files = [...await listSnapshots(workspace), workspace.file("queue")];
  const entries: QueueEntry[] = [];
  for (const file of files) entries.push(...(await readQueueFile(file)).entries);
  const localMd = findLocalMd(workspace);
  const plan: PushPlan = {
    sessions: [],
    privateSkips: [],
    localMd: localMd ?? null,
    uploadedLog: workspace.file("uploadedLog"),
  };
  for (const entry of dedupeEntries(entries)) {
    if (entry.sessionId !== "" && privateIds.has(entry.sessionId)) {
      plan.privateSkips.push({ sessionId: entry.sessionId, path: entry.path });
    } else {
      plan.sessions.push(entry.path);
    }
  }
  return plan;
}
