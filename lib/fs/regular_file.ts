/**
 * The refusal rules: every file of ours is read or written only when it is a
 * regular file. A symbolic link, a folder, a FIFO or a device where one of our
 * files should be is refused, never followed.
 *
 * @module
 */

import { baseName, dirName } from "./path.ts";

/**
 * Thrown when a path that must be a regular file of ours is something else
 * (a symbolic link, a directory, a FIFO, a device), or too large to read
 * whole: we refuse rather than follow or slurp it.
 *
 * @example
 * ```ts
 * import { RefusedFileError } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const error = new RefusedFileError('Cannot append to "/w/.claude/q.txt": it is a symbolic link');
 * deepStrictEqual(error.name, "RefusedFileError");
 * ```
 */
export class RefusedFileError extends Error {
  /** Always `"RefusedFileError"`. */
  override name = "RefusedFileError";
}

/**
 * Whether the folder of `path` lists a name like its last segment, so that
 * `path` may name something: `false` only when the folder holds no name like
 * it (compared without case or Unicode form, which some file systems ignore)
 * or is itself missing. Checked before an `lstat` or a read of
 * a file that is often absent: in a fresh process the first thrown `NotFound`
 * costs about 0.3 ms, while listing `.claude/` (a handful of names) costs a few
 * hundredths. A folder that cannot be listed answers `true`, leaving the
 * decision to the caller's own call.
 */
export function folderListsName(path: string): boolean {
  const fold = (name: string) => name.normalize("NFC").toLowerCase();
  const name = fold(baseName(path));
  try {
    for (const entry of Deno.readDirSync(dirName(path))) {
      if (fold(entry.name) === name) return true;
    }
    return false;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

/**
 * Throws {@linkcode RefusedFileError} unless `info` (an `lstat` of `path`) is
 * a regular file.
 */
export function assertRegular(info: Deno.FileInfo, path: string, action: string): void {
  if (info.isSymlink) {
    throw new RefusedFileError(`Cannot ${action} "${path}": it is a symbolic link`);
  }
  if (!info.isFile) {
    throw new RefusedFileError(`Cannot ${action} "${path}": it is not a regular file`);
  }
}

/**
 * Throws {@linkcode RefusedFileError} when `path` exists and is not a regular
 * file; a missing path is fine. Returns whether a regular file is there.
 */
export function assertRegularOrMissing(path: string, action: string): boolean {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return false;
    }
    throw error;
  }
  assertRegular(info, path, action);
  return true;
}
