/**
 * Carrying out a planned install or uninstall: each file kept as a backup
 * first when asked, then replaced atomically (`writeFileAtomic`) or removed.
 *
 * @module
 */

import { dirName } from "../fs/path.ts";
import { retryOnContention } from "../fs/retry_on_contention.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import type { FileChange } from "./files.ts";

/** Keeps the bytes of `path` as `backup`, which must not exist yet: a hard link, else a copy. */
async function keepBackup(path: string, backup: string): Promise<void> {
  try {
    return await Deno.link(path, backup);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      return await Deno.writeFile(backup, await Deno.readFile(path), { createNew: true });
    }
  }
  throw new Error(`Cannot back up "${path}": "${backup}" already exists; try again in a second`);
}

/** Removes `path` if it exists, and then its folder too if asked and empty. */
async function removeFile(path: string, removeEmptyFolder: boolean): Promise<void> {
  await retryOnContention(() => Deno.remove(path)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  if (removeEmptyFolder) await Deno.remove(dirName(path)).catch(() => {}); // fails unless empty
}

/** Applies `changes` in order: each file's backup, then the file written atomically or removed. */
export async function applyChanges(changes: readonly FileChange[]): Promise<void> {
  for (const change of changes) {
    if (change.backupPath !== undefined) await keepBackup(change.path, change.backupPath);
    if (change.after === undefined) {
      await removeFile(change.path, change.removeEmptyFolder ?? false);
      continue;
    }
    await Deno.mkdir(dirName(change.path), { recursive: true });
    await writeFileAtomic(change.path, change.after);
  }
}
