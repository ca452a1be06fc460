/**
 * Syncing a file after unsynced appends.
 *
 * @module
 */

import { injectFault } from "./fault.ts";

/**
 * Syncs a file's data to disk (after unsynced appends); a missing file is fine.
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
