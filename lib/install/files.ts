/**
 * The file side of install: reading the small files it looks at, JSON a second
 * run writes byte for byte the same, the check on the workspace folder, and the
 * planned changes carried out (a backup first when asked, then atomically).
 *
 * @module
 */

import { claudeConfigDir } from "../claude/settings.ts";
import { dirName, homeDir, joinPath, resolvePath } from "../fs/path.ts";
import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";
import { retryOnContention } from "../fs/retry_on_contention.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";

/** One file install (or uninstall) changes. */
export interface FileChange {
  path: string;
  /** Its text now; `undefined` when it does not exist. */
  before: string | undefined;
  /** Its text afterwards; `undefined` when it is removed. */
  after: string | undefined;
  /** What the file is for, said beside its diff in a dry run (e.g. `our hooks and status line`). */
  why: string;
  /** Keep the file's current bytes here first (a settings file rebuilt by `--force`). */
  backupPath?: string;
  /** After removing the file, remove its folder too if that leaves it empty. */
  removeEmptyFolder?: boolean;
}

/** A small text file as read; `text` is there only when it could be read. */
export type TextFile =
  | { readonly state: "missing"; readonly text?: undefined }
  | { readonly state: "ok"; readonly text: string }
  | { readonly state: "unreadable"; readonly text?: undefined; readonly problem: string };

/** Reads a small file of ours or Claude Code's (a regular file of at most 1 MiB). Never throws. */
export function readSmallFile(path: string): TextFile {
  try {
    const text = readTextFileBounded(path, SMALL_FILE_LIMIT);
    return text === undefined ? { state: "missing" } : { state: "ok", text };
  } catch (error) {
    return { state: "unreadable", problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Throws when `root` is home or Claude Code's folder, whose settings would hook every project. */
export function assertWorkspaceFolder(root: string, action: string): void {
  const claudeDir = resolvePath(joinPath(root, ".claude"));
  if (root !== resolvePath(homeDir()) && claudeDir !== resolvePath(claudeConfigDir())) return;
  throw new Error(
    `Cannot ${action} "${root}": its .claude/ holds Claude Code's user settings, which apply to every project; run it in a project folder or pass --workspace DIR`,
  );
}

/** A refusal's reason without its `Cannot <action> "<path>": ` head. */
export function shortProblem(problem: string): string {
  return problem.replace(/^Cannot [\w ]+ ".*?": /, "");
}

/** `value` as the text of a file: 2-space JSON with a final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Whether two JSON values are the same, key order included. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `path` relative to the workspace folder when inside it (`.claude/settings.local.json`), else as is. */
export function relativeToWorkspace(workspace: string, path: string): string {
  return path.startsWith(`${workspace}/`) || path.startsWith(`${workspace}\\`)
    ? path.slice(workspace.length + 1)
    : path;
}

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
