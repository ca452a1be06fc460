/**
 * Writing the session queue `W/.claude/agnes-sessions.txt`: captures append
 * to it and a push puts back what it could not finish
 * (`queue_reader.ts` reads it and its snapshots). Every change is made under
 * the queue lock, with the whole open, write and close inside it, so a row
 * can never land in a queue a push has already renamed.
 *
 * @module
 */

import { withLock } from "../lock/acquire_lock.ts";
import { appendLines } from "../fs/append_lines.ts";
import { formatQueueRow, type QueueEntry } from "./queue_entry.ts";
import type { Workspace } from "./workspace.ts";

/** How long capture waits for the queue lock before giving up: about 1 s. */
export const CAPTURE_LOCK_TIMEOUT_MS = 1_000;

/** Options for {@linkcode appendToQueue} and {@linkcode requeueEntries}. */
export interface QueueWriteOptions {
  /** How long to wait for the queue lock, in ms. Default 10 000. */
  lockTimeoutMs?: number;
}

/**
 * Appends entries to the live queue under the queue lock, creating `.claude/`
 * and the queue as needed, and syncs them before returning.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 * @throws {LockTimeoutError} when the queue lock stays held.
 *
 * @example
 * ```ts
 * import { appendToQueue, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendToQueue(workspace, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * deepStrictEqual(await Deno.readTextFile(workspace.file("queue")), "s1\t/t/s1.jsonl\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function appendToQueue(
  workspace: Workspace,
  entries: readonly QueueEntry[],
  options: QueueWriteOptions = {},
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(formatQueueRow);
  await workspace.ensureStateDir();
  await withLock(workspace.file("queueLock"), () => appendLines(workspace.file("queue"), rows), {
    purpose: "append",
    timeoutMs: options.lockTimeoutMs ?? 10_000,
  });
}

/**
 * Puts entries back on the live queue after a push could not finish them:
 * they follow any rows captured meanwhile. An empty list writes nothing.
 *
 * @example
 * ```ts
 * import { requeueEntries, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await requeueEntries(workspace, [{ sessionId: "s", path: "/t/s.jsonl", stamp: "2026-01-01T00:00:00Z" }]);
 * deepStrictEqual(await Deno.readTextFile(workspace.file("queue")), "s\t/t/s.jsonl\t2026-01-01T00:00:00Z\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export const requeueEntries: (
  workspace: Workspace,
  entries: readonly QueueEntry[],
  options?: QueueWriteOptions,
) => Promise<void> = appendToQueue;
