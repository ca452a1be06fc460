/**
 * A lock this process holds, and its release.
 *
 * @module
 */

import { retryOnContention } from "../fs/_retry_on_contention.ts";
import type { LockOwner } from "./owner_record.ts";
import { sameFile } from "../fs/_same_file.ts";

/**
 * A lock this process holds. Release it exactly once, or use `await using`.
 *
 * @example
 * ```ts
 * import { acquireLock } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * {
 *   await using held = await acquireLock(`${dir}/x.lock`, { purpose: "demo" });
 *   deepStrictEqual(held.owner.purpose, "demo");
 * }
 * deepStrictEqual([...Deno.readDirSync(dir)], []); // released and removed
 * await Deno.remove(dir);
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
   * Removes the lock file while still holding the OS lock, but only when the
   * path still names the file we created (same device and inode: the file our
   * token was written into), then closes the handle. Idempotent, and never
   * throws: a lock file that cannot be removed is left with its OS lock
   * dropped, which is exactly the stale lock the next contender breaks, so
   * the work done under the lock is never reported as failed.
   */
  async release(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return;
    this.#file = undefined;
    try {
      if (sameFile(Deno.lstatSync(this.path), file.statSync())) {
        await retryOnContention(() => Promise.resolve(Deno.removeSync(this.path)));
      }
    } catch {
      // Gone already, or left behind stale (see above).
    } finally {
      file.close();
    }
  }

  /** Same as {@linkcode HeldLock.release}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
