/**
 * A lock this process holds, and its release.
 *
 * @module
 */

import { sameFile } from "../fs/same_file.ts";
import type { LockOwner } from "./owner_record.ts";

/**
 * A lock this process holds. Release it exactly once, or use `await using`.
 *
 * @example
 * ```ts
 * import { acquireLock, readLockOwner } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * {
 *   await using held = await acquireLock(`${dir}/x.lock`, { purpose: "demo" });
 *   deepStrictEqual(held.owner.purpose, "demo");
 * }
 * deepStrictEqual(await readLockOwner(`${dir}/x.lock`), undefined); // released: no owner
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class HeldLock implements AsyncDisposable {
  #file: Deno.FsFile | undefined;

  /**
   * Wraps an acquired lock; see {@linkcode acquireLock}.
   *
   * @param path The lock file's path.
   * @param owner The owner record written into it.
   * @param file The open, OS-locked handle.
   */
  constructor(readonly path: string, readonly owner: LockOwner, file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Clears our owner record while still holding the OS lock, but only when
   * the path still names the file we locked, then closes the handle, which
   * drops the OS lock. The file itself stays (see `_lock_file.ts` for why).
   * Idempotent, and never throws: the work done under the lock is never
   * reported as failed because of its release.
   */
  release(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    this.#file = undefined;
    try {
      if (sameFile(Deno.lstatSync(this.path), file.statSync())) file.truncateSync(0);
    } catch {
      // Gone or replaced: not ours to touch.
    } finally {
      file.close();
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode HeldLock.release}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
