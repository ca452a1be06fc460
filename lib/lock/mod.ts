/**
 * Cross-process locks on a file path that never go stale (a dead holder's OS
 * lock dies with it) and exclude the Python `agnes` tool's `flock`-based
 * locks on the same files.
 *
 * `acquire_lock.ts` takes a lock (the OS lock on the file at the path, with
 * an owner record) and `withLock` runs code under it; `held_lock.ts` releases
 * it; `owner_record.ts` is the record a holder writes; `_lock_file.ts` opens
 * and locks the file without ever following what sits at the path;
 * `inspect_lock.ts` says who holds a lock, for `status`.
 *
 * May import: `fs/`, `format/`. Imported by `store/`, `push/` and above.
 *
 * @example One holder at a time
 * ```ts
 * import { acquireLock, LockTimeoutError, withLock } from "./mod.ts";
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/agnes-queue.lock`;
 * await withLock(path, async () => {
 *   await rejects(acquireLock(path, { timeoutMs: 0 }), LockTimeoutError);
 * });
 * deepStrictEqual(await withLock(path, () => "free again"), "free again");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export { acquireLock, type LockOptions, LockTimeoutError, withLock } from "./acquire_lock.ts";
export { HeldLock } from "./held_lock.ts";
export { inspectLock, type LockState } from "./inspect_lock.ts";
export { type LockOwner, readLockOwner } from "./owner_record.ts";
