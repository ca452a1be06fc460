/**
 * Breaking a stale lock: the careful part of the lock protocol.
 *
 * A contender that finds the lock file present probes its OS lock. Held means
 * the holder is alive. Free means nobody alive holds it, but the file is only
 * stale when its owner record is complete or it is older than a grace period
 * (a holder may be between its create and its OS lock), and it is removed only
 * when the path still names the very file probed (same device and inode), which
 * defeats the ABA race where another contender already replaced it.
 *
 * @module
 */

import { retryOnContention } from "../fs/_retry_on_contention.ts";
import { sameFile } from "../fs/_same_file.ts";
import { parseLockOwner, readOwnerRecord } from "./owner_record.ts";

/**
 * One stale-lock probe on an already opened lock file `file` found at `path`.
 * Returns `true` when the caller should retry its create at once (the stale
 * file was removed, or the path no longer names `file`), `false` when the lock
 * is alive (or too young to judge) and the caller should back off.
 *
 * @example
 * ```ts
 * import { breakStaleLock } from "./_stale_lock.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/x.lock`;
 * const record = { pid: 1, host: "h", token: "t", created: "2026-01-01T00:00:00Z", purpose: "p" };
 * await Deno.writeTextFile(path, JSON.stringify(record)); // its holder died
 * using file = Deno.openSync(path, { read: true, write: true });
 * deepStrictEqual(await breakStaleLock(path, file, 2_000), true);
 * deepStrictEqual(await Deno.lstat(path).catch(() => "gone"), "gone");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function breakStaleLock(
  path: string,
  file: Deno.FsFile,
  graceMs: number,
): Promise<boolean> {
  if (!file.tryLockSync(true)) return false;
  try {
    const opened = file.statSync();
    const complete = parseLockOwner(readOwnerRecord(file)) !== undefined;
    const age = Date.now() - (opened.mtime?.getTime() ?? 0);
    if (!complete && age < graceMs) return false;
    let current: Deno.FileInfo;
    try {
      current = Deno.lstatSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return true;
      throw error;
    }
    if (!sameFile(current, opened)) return true;
    try {
      await retryOnContention(() => Promise.resolve(Deno.removeSync(path)));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return true;
  } finally {
    file.unlockSync();
  }
}

/**
 * Opens the existing lock file at `path` and probes it with
 * {@linkcode breakStaleLock}: `true` means retry the create at once.
 *
 * @example
 * ```ts
 * import { probeExistingLock } from "./_stale_lock.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * deepStrictEqual(await probeExistingLock(`${dir}/gone.lock`, 2_000), true);
 * await Deno.remove(dir);
 * ```
 */
export async function probeExistingLock(path: string, graceMs: number): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true, write: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.Busy) {
      return false; // Windows: a delete is pending or the holder shares no access.
    }
    throw error;
  }
  try {
    return await breakStaleLock(path, file, graceMs);
  } finally {
    file.close();
  }
}
