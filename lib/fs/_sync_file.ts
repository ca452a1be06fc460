/**
 * Syncing a file after unsynced appends.
 *
 * @module
 */

import { injectFault } from "./fault.ts";

/**
 * Syncs a file's data to disk (after unsynced appends); a missing file is fine.
 *
 * @example
 * ```ts
 * import { appendLines } from "./append_lines.ts";
 * import { syncFile } from "./_sync_file.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await appendLines(path, ["a", "b"], { sync: false });
 * await syncFile(path);
 * await syncFile(`${path}.missing`);
 * deepStrictEqual(await Deno.readTextFile(path), "a\nb\n");
 * await Deno.remove(path);
 * ```
 */
export function syncFile(path: string): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Promise.resolve();
    return Promise.reject(error);
  }
  try {
    injectFault("sync", path);
    file.syncDataSync();
  } finally {
    file.close();
  }
  return Promise.resolve();
}
