/**
 * The two careful steps of taking a lock: opening the file at the lock path
 * without ever following what sits there, and locking it so that the path
 * provably still names the file locked.
 *
 * The lock is the OS lock (`flock`) on the file the path names. The file is
 * created on first use and never removed: the Python `agnes` tool's
 * `filelock` opens it (`O_TRUNC`) and polls `flock` on whatever inode the
 * path names at that moment, so removing the path would let a Python process
 * that opened the old inode lock it while our next taker locks a new one:
 * two holders. Kept in place, every taker of either tool contends for the
 * same inode, a holder that dies releases its OS lock with its process, and
 * no stale file ever needs breaking. A taker still checks, after locking,
 * that the path names the inode it holds: an older release of this tool, or
 * a person, may have removed or replaced the file meanwhile.
 *
 * @module
 */

import { retryOnContention } from "../fs/retry_on_contention.ts";
import { sameFile } from "../fs/same_file.ts";
import { writeAll } from "../fs/write_all.ts";
import { HeldLock } from "./held_lock.ts";
import { newLockOwner } from "./owner_record.ts";

/** Why a lock was not taken this time; the caller backs off and tries again. */
export type NotTakenReason = string;

function describeNonFile(info: Deno.FileInfo): string {
  if (info.isSymlink) return "it is a symbolic link, not a lock file";
  if (info.isDirectory) return "it is a folder, not a lock file";
  return "it is not a regular file";
}

/** Opens a file just created at `path`, or `undefined` when one is there already. */
function createLockFile(path: string): Promise<Deno.FsFile | undefined> {
  return retryOnContention(() => {
    try {
      // createNew never follows a link, dangling or not.
      return Promise.resolve(Deno.openSync(path, { read: true, write: true, createNew: true }));
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) return Promise.resolve(undefined);
      return Promise.reject(error);
    }
  });
}

/**
 * Opens the lock file at `path`: created when missing, else the existing one
 * when it is a regular file. Whatever else sits there (a link, a folder, a
 * FIFO, a device, a file we may not open) is never followed and yields the
 * reason it cannot be a lock.
 *
 * @throws {Error} for a failure that waiting cannot cure (the folder is
 * missing or not a folder).
 */
export async function openLockFile(path: string): Promise<Deno.FsFile | NotTakenReason> {
  // Lock files are never removed, so the usual case is one already there: look
  // first, as a create that fails costs an exception (about 0.3 ms in a hook).
  let found = lstatOrMissing(path);
  if (found === undefined) {
    let created: Deno.FsFile | undefined;
    try {
      created = await createLockFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.PermissionDenied) return "it cannot be created here";
      throw error; // the folder is missing or not a folder: waiting will not help
    }
    if (created !== undefined) return created;
    found = lstatOrMissing(path); // another process created it in between
    if (found === undefined) return "it vanished while being opened";
  }
  return openFound(path, found);
}

/** `lstat` of `path`, or `undefined` when nothing is there. */
function lstatOrMissing(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error; // the folder is not a folder, or cannot be read: waiting will not help
  }
}

/** Opens the lock file `found` at `path` describes, when it is a regular file still there. */
function openFound(path: string, found: Deno.FileInfo): Deno.FsFile | NotTakenReason {
  if (!found.isFile) return describeNonFile(found);
  try {
    const file = Deno.openSync(path, { read: true, write: true });
    const opened = file.statSync();
    if (sameFile(opened, found) && opened.isFile) return file;
    file.close();
    return "it was replaced while being opened";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "it vanished while being opened";
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.Busy) {
      return "it cannot be opened for writing";
    }
    throw error;
  }
}

/**
 * Takes the OS lock on an opened lock file without waiting, checks that
 * `path` still names it, and writes this process's owner record. Closes
 * `file` unless it returns the {@linkcode HeldLock}.
 */
export function lockOpenedFile(
  path: string,
  file: Deno.FsFile,
  purpose: string,
): HeldLock | NotTakenReason {
  try {
    if (!file.tryLockSync(true)) {
      file.close();
      return "it is held by another process";
    }
    const current = Deno.lstatSync(path);
    if (!sameFile(current, file.statSync())) {
      file.close(); // closing drops the OS lock
      return "it was replaced while being locked";
    }
    const owner = newLockOwner(purpose);
    file.truncateSync(0);
    file.seekSync(0, Deno.SeekMode.Start);
    writeAll(file, new TextEncoder().encode(JSON.stringify(owner) + "\n"));
    return new HeldLock(path, owner, file);
  } catch (error) {
    file.close();
    if (error instanceof Deno.errors.NotFound) return "it vanished while being locked";
    throw error;
  }
}
