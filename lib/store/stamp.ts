/**
 * Stamp files in `W/.claude/`: a file whose modification time says when
 * something last happened (`agnes-last-push.stamp`: the last push that
 * finished without a stop; `agnes-catch-up.stamp`: the last catch-up push the
 * SessionStart hook started). The text inside (the UTC time) is for people;
 * readers look at the time on the file, one `lstat`.
 *
 * @module
 */

import { formatTimestamp } from "../format/timestamp.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";

/**
 * When the stamp at `path` was last written, in ms since the epoch; `undefined`
 * when it is missing or not a regular file (a link is never followed).
 *
 * @example
 * ```ts
 * import { readStamp, writeStamp } from "./stamp.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * deepStrictEqual(readStamp(`${dir}/x.stamp`), undefined);
 * await writeStamp(`${dir}/x.stamp`);
 * deepStrictEqual(typeof readStamp(`${dir}/x.stamp`), "number");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function readStamp(path: string): number | undefined {
  try {
    const info = Deno.lstatSync(path);
    return info.isFile ? info.mtime?.getTime() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the stamp at `path` now: replaced atomically (a link there is
 * refused, never followed), its folder never created.
 *
 * @throws {RefusedFileError} when something other than a regular file is there.
 *
 * @example
 * ```ts
 * import { writeStamp } from "./stamp.ts";
 * import { rejects } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await rejects(writeStamp(`${dir}/missing/x.stamp`)); // the folder is never created
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function writeStamp(path: string, now: Date = new Date()): Promise<void> {
  return writeFileAtomic(path, `${formatTimestamp(now)}\n`);
}
