/**
 * Queue snapshots `W/.claude/agnes-sessions.snapshot.<pid>.<8 hex>.txt`: a
 * push renames the live queue to one under the queue lock, consumes it, and
 * deletes it only once every outcome in it is durable. A snapshot left by a
 * push that died is recovered by the next one, oldest first.
 *
 * @module
 */

import { withLock } from "../lock/acquire_lock.ts";
import { assertRegular } from "../fs/regular_file.ts";
import { injectFault } from "../fs/fault.ts";
import { retryOnContention } from "../fs/retry_on_contention.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import type { QueueWriteOptions } from "./queue.ts";
import { formatQueueRow, type QueueEntry } from "./queue_entry.ts";
import type { Workspace } from "./workspace.ts";

/**
 * The file name of a snapshot: new-style names carry 8 random hex digits,
 * old-style ones (the Python tool's) only the pid.
 */
export const SNAPSHOT_NAME: RegExp = /^agnes-sessions\.snapshot\.\d+(?:\.[0-9a-f]{8})?\.txt$/;

function randomHex8(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function freshSnapshotPath(workspace: Workspace): string {
  return `${workspace.stateDir}/agnes-sessions.snapshot.${Deno.pid}.${randomHex8()}.txt`;
}

/**
 * Writes `entries` to a fresh snapshot (atomically, synced) and returns its
 * path: how `push --retry-failed` puts failed-log entries where a push that
 * dies is sure to find them.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 *
 * @example
 * ```ts
 * import { writeSnapshot } from "./snapshot.ts";
 * import { Workspace } from "./workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await workspace.ensureStateDir();
 * const snapshot = await writeSnapshot(workspace, [{ sessionId: "s", path: "/t/s.jsonl", stamp: "" }]);
 * deepStrictEqual(await Deno.readTextFile(snapshot), "s\t/t/s.jsonl\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function writeSnapshot(
  workspace: Workspace,
  entries: readonly QueueEntry[],
): Promise<string> {
  const snapshot = freshSnapshotPath(workspace);
  await writeFileAtomic(snapshot, entries.map((entry) => formatQueueRow(entry) + "\n").join(""));
  return snapshot;
}

/** Each entry as a queue row with its line end. */
async function* queueRows(
  entries: Iterable<QueueEntry> | AsyncIterable<QueueEntry>,
): AsyncGenerator<string> {
  for await (const entry of entries) yield formatQueueRow(entry) + "\n";
}

/**
 * Replaces a snapshot's content with `entries` (streamed: any number),
 * keeping its modification time (recovery goes oldest first): how rows that
 * cannot be parsed leave a snapshot once they are logged.
 *
 * @example
 * ```ts
 * import { rewriteSnapshot } from "./snapshot.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "bad\0row\ns\t/t/s.jsonl\n");
 * const before = (await Deno.stat(path)).mtime;
 * await rewriteSnapshot(path, [{ sessionId: "s", path: "/t/s.jsonl", stamp: "" }]);
 * deepStrictEqual(await Deno.readTextFile(path), "s\t/t/s.jsonl\n");
 * deepStrictEqual((await Deno.stat(path)).mtime, before);
 * await Deno.remove(path);
 * ```
 */
export async function rewriteSnapshot(
  path: string,
  entries: Iterable<QueueEntry> | AsyncIterable<QueueEntry>,
): Promise<void> {
  const { mtime, atime } = await Deno.lstat(path);
  await writeFileAtomic(path, queueRows(entries));
  if (mtime !== null) await Deno.utime(path, atime ?? mtime, mtime);
}

/**
 * Atomically renames the live queue to a fresh snapshot
 * `agnes-sessions.snapshot.<pid>.<8 hex>.txt` under the queue lock and
 * returns its path; `undefined` when there is no queue.
 *
 * @throws {RefusedFileError} when the queue is not a regular file (a
 * symbolic link, FIFO, device or folder): it is left where it is.
 * @throws {LockTimeoutError} when the queue lock stays held.
 * @throws {Error} when the queue cannot be renamed (the message names it,
 * the cause is the system's error): it is left where it is.
 *
 * @example
 * ```ts
 * import { appendToQueue, snapshotQueue, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await snapshotQueue(workspace), undefined);
 * await appendToQueue(workspace, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * const snapshot = await snapshotQueue(workspace);
 * deepStrictEqual(await Deno.readTextFile(snapshot!), "s1\t/t/s1.jsonl\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function snapshotQueue(
  workspace: Workspace,
  options: QueueWriteOptions = {},
): Promise<string | undefined> {
  if (!await workspace.hasStateDir()) return undefined;
  const queue = workspace.file("queue");
  const snapshot = freshSnapshotPath(workspace);
  return await withLock(workspace.file("queueLock"), async () => {
    try {
      const info = await Deno.lstat(queue);
      // Renamed, a FIFO or folder would sit as a snapshot that no push can read.
      assertRegular(info, queue, "snapshot the queue");
      await renameQueue(queue, snapshot);
      return snapshot;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  }, { purpose: "snapshot", timeoutMs: options.lockTimeoutMs ?? 10_000 });
}

/** Renames the queue to `snapshot`; a failure (but a queue gone meanwhile) names the queue. */
async function renameQueue(queue: string, snapshot: string): Promise<void> {
  try {
    injectFault("rename", snapshot);
    await retryOnContention(() => Deno.rename(queue, snapshot));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot snapshot the queue "${queue}": ${message}`, { cause: error });
  }
}

/**
 * Lists recovery snapshots left by earlier pushes (new and old-style names),
 * oldest first by modification time. Symbolic links are not listed.
 *
 * @example
 * ```ts
 * import { listSnapshots, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await listSnapshots(workspace), []);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function listSnapshots(workspace: Workspace): Promise<string[]> {
  const found: { path: string; mtime: number }[] = [];
  try {
    for await (const entry of Deno.readDir(workspace.stateDir)) {
      if (!entry.isFile || !SNAPSHOT_NAME.test(entry.name)) continue;
      const path = `${workspace.stateDir}/${entry.name}`;
      try {
        found.push({ path, mtime: (await Deno.lstat(path)).mtime?.getTime() ?? 0 });
      } catch {
        // Consumed by a concurrent push between the listing and the stat.
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  found.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
  return found.map((snapshot) => snapshot.path);
}

/**
 * Deletes a consumed snapshot; one that is already gone is fine.
 *
 * @example
 * ```ts
 * import { discardSnapshot } from "@agnes/sessions";
 * import { rejects } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await discardSnapshot(path);
 * await discardSnapshot(path);
 * await rejects(Deno.lstat(path), Deno.errors.NotFound);
 * ```
 */
export async function discardSnapshot(path: string): Promise<void> {
  try {
    await retryOnContention(() => Deno.remove(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
