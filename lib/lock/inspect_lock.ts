/**
 * Looking at a lock without taking it for long: for `status`, which says who
 * holds the workspace up. It never creates a lock file.
 *
 * @module
 */

import { sameFile } from "../fs/same_file.ts";
import { type LockOwner, parseLockOwner, readOwnerRecord } from "./owner_record.ts";

/** What sits at a lock path. */
export type LockState =
  /** No lock file, or one nobody holds (with no record, or the record of a holder that died). */
  | { state: "free"; lastOwner: LockOwner | null }
  /** A live process holds it; `owner` is `null` when its record is not ours (the Python tool). */
  | { state: "held"; owner: LockOwner | null }
  /** Something that cannot be a lock file: every taker waits until its deadline. */
  | { state: "not_a_lock_file"; detail: string };

/**
 * Inspects the lock at `path`: its OS lock is tried without waiting and let
 * go at once, so a taker meanwhile only backs off a moment.
 *
 * @example
 * ```ts
 * import { acquireLock } from "./acquire_lock.ts";
 * import { inspectLock } from "./inspect_lock.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * deepStrictEqual(inspectLock(`${dir}/x.lock`), { state: "free", lastOwner: null });
 * const held = await acquireLock(`${dir}/x.lock`, { purpose: "push" });
 * const seen = inspectLock(`${dir}/x.lock`);
 * deepStrictEqual(seen.state === "held" && seen.owner?.purpose, "push");
 * await held.release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function inspectLock(path: string): LockState {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch {
    return { state: "free", lastOwner: null };
  }
  if (!info.isFile) {
    const kind = info.isSymlink
      ? "a symbolic link"
      : info.isDirectory
      ? "a folder"
      : "not a regular file";
    return { state: "not_a_lock_file", detail: `it is ${kind}` };
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true, write: true });
  } catch {
    return { state: "not_a_lock_file", detail: "it cannot be opened for writing" };
  }
  try {
    if (!sameFile(file.statSync(), info)) return { state: "free", lastOwner: null }; // replaced just now
    const owner = parseLockOwner(readOwnerRecord(file)) ?? null;
    if (!file.tryLockSync(true)) return { state: "held", owner };
    file.unlockSync();
    return { state: "free", lastOwner: owner };
  } finally {
    file.close();
  }
}
