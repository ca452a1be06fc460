/**
 * The workspace's state in `W/.claude/`, in the formats the Python `agnes`
 * tool shares: the workspace and its file names (`workspace.ts`), the queue
 * (written by `queue.ts`, read by `queue_reader.ts`, rows in `queue_entry.ts`)
 * and its snapshots (`snapshot.ts`), the private list (read by
 * `private_list.ts`, changed by `mark_private.ts`), the capture breadcrumb
 * (`capture_log.ts`), and the push's audit logs: uploaded, failed and
 * private-skipped (`_uploaded_log.ts`, `_failed_log.ts`,
 * `_private_skipped_log.ts`), and the upload ledger: what was sent to which
 * server (`upload_ledger.ts`); the stamps of the last successful push and the
 * last catch-up (`stamp.ts`).
 *
 * May import: `lock/`, `fs/`, `format/`. Imported by `hook/`, `push/` and above.
 *
 * @example Queue, snapshot and read back
 * ```ts
 * import { appendToQueue, readQueueFile, snapshotQueue, Workspace } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendToQueue(workspace, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * const snapshot = await snapshotQueue(workspace);
 * deepStrictEqual((await readQueueFile(snapshot!)).entries.length, 1);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 *
 * @module
 */

export {
  Workspace,
  WORKSPACE_FILES,
  type WorkspaceFile,
  WorkspaceNotFoundError,
} from "./workspace.ts";
export type { QueueEntry } from "./queue_entry.ts";
export { appendToQueue, type QueueWriteOptions, requeueEntries } from "./queue.ts";
export {
  type MalformedRow,
  type QueueContents,
  type QueueRow,
  readQueueFile,
  readQueueRows,
} from "./queue_reader.ts";
export { discardSnapshot, listSnapshots, snapshotQueue } from "./snapshot.ts";
export { isPrivateSession, readPrivateList } from "./private_list.ts";
export { addPrivateSession, removePrivateSession } from "./mark_private.ts";
