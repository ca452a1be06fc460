/**
 * Cross-process locks on a file path that recover from dead holders and
 * interoperate with the Python `agnes` tool's `flock`-based locks.
 *
 * `acquire_lock.ts` takes a lock (create-new, OS lock on the handle, owner
 * record) and `withLock` runs code under it; `held_lock.ts` releases it;
 * `owner_record.ts` is the record a holder writes; `_stale_lock.ts` decides
 * when a lock left behind may be broken.
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
export { type LockOwner, readLockOwner } from "./owner_record.ts";
