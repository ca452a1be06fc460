/**
 * Sweeping up after a writer that died: an atomic rewrite writes
 * `<file>.<8 hex>.tmp` next to its file and renames it over the file; a
 * process killed in between leaves the temp file behind. Temp files of ours
 * older than a few minutes are removed at the start of a push.
 *
 * @module
 */

import { joinPath } from "../fs/path.ts";
import { LEDGER_DIR } from "./upload_ledger.ts";
import type { Workspace } from "./workspace.ts";

const TEMP_NAME = /^(agnes-|settings|[0-9a-f]{2}\.txt|local-md\.txt).*\.[0-9a-f]{8}\.tmp$/;

/** The folders our atomic rewrites write into: `.claude/` and each server's ledger folder. */
function tempFolders(workspace: Workspace): string[] {
  const folders = [workspace.stateDir];
  try {
    for (const entry of Deno.readDirSync(joinPath(workspace.stateDir, LEDGER_DIR))) {
      if (entry.isDirectory) folders.push(joinPath(workspace.stateDir, LEDGER_DIR, entry.name));
    }
  } catch {
    // No ledger yet.
  }
  return folders;
}

/**
 * Removes temp files of ours older than `maxAgeMs` (default 10 minutes);
 * returns how many. Never throws.
 */
export function removeStaleTemps(workspace: Workspace, maxAgeMs = 10 * 60 * 1000): number {
  let removed = 0;
  for (const folder of tempFolders(workspace)) {
    try {
      for (const entry of Deno.readDirSync(folder)) {
        if (!entry.isFile || !TEMP_NAME.test(entry.name)) continue;
        const path = joinPath(folder, entry.name);
        const age = Date.now() - (Deno.lstatSync(path).mtime?.getTime() ?? Date.now());
        if (age < maxAgeMs) continue;
        Deno.removeSync(path);
        removed++;
      }
    } catch {
      // Unreadable or changing under us: try again next push.
    }
  }
  return removed;
}
