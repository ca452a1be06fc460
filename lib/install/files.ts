/**
 * The file side of install: what a planned change to one file is, reading
 * the small files install looks at (bounded, regular files only), and the
 * checks on the workspace folder before anything is planned.
 *
 * @module
 */

import { claudeConfigDir } from "../claude/settings.ts";
import { homeDir, joinPath, resolvePath } from "../fs/path.ts";
import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";

/** One file install (or uninstall) changes. */
export interface FileChange {
  /** The file. */
  path: string;
  /** Its text now; `undefined` when it does not exist. */
  before: string | undefined;
  /** Its text afterwards; `undefined` when it is removed. */
  after: string | undefined;
  /** Keep the file's current bytes here first (a settings file rebuilt by `--force`). */
  backupPath?: string;
  /** After removing the file, remove its folder too if that leaves it empty. */
  removeEmptyFolder?: boolean;
}

/** A small text file as read. */
export type TextFile =
  | { readonly state: "missing" }
  | { readonly state: "ok"; readonly text: string }
  | { readonly state: "unreadable"; readonly problem: string };

/**
 * Reads a small file of ours or Claude Code's (a regular file of at most
 * 1 MiB). Never throws.
 *
 * @example
 * ```ts
 * import { readSmallFile } from "./files.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * deepStrictEqual(readSmallFile(`${dir}/a.md`), { state: "missing" });
 * deepStrictEqual(readSmallFile(dir).state, "unreadable");
 * await Deno.remove(dir);
 * ```
 */
export function readSmallFile(path: string): TextFile {
  try {
    const text = readTextFileBounded(path, SMALL_FILE_LIMIT);
    return text === undefined ? { state: "missing" } : { state: "ok", text };
  } catch (error) {
    return { state: "unreadable", problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The text of a file as read, `undefined` when missing or unreadable.
 *
 * @example
 * ```ts
 * import { textOf } from "./files.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(textOf({ state: "ok", text: "a" }), "a");
 * deepStrictEqual(textOf({ state: "missing" }), undefined);
 * ```
 */
export function textOf(file: TextFile): string | undefined {
  return file.state === "ok" ? file.text : undefined;
}

/**
 * Checks that `root` can be a workspace install writes into: an existing
 * folder, and not the home folder or Claude Code's own folder (whose
 * `.claude/settings.json` would hook every project).
 *
 * @throws {Error} naming the folder and what to do.
 *
 * @example
 * ```ts
 * import { assertWorkspaceFolder } from "./files.ts";
 * import { throws } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * assertWorkspaceFolder(dir, "install into");
 * throws(() => assertWorkspaceFolder(`${dir}/missing`, "install into"), /no such folder/);
 * await Deno.remove(dir);
 * ```
 */
export function assertWorkspaceFolder(root: string, action: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(root);
  } catch {
    throw new Error(`Cannot ${action} "${root}": no such folder; pass an existing --workspace DIR`);
  }
  if (!info.isDirectory) {
    throw new Error(`Cannot ${action} "${root}": not a folder; pass --workspace DIR`);
  }
  const claudeDir = resolvePath(joinPath(root, ".claude"));
  if (root === resolvePath(homeDir()) || claudeDir === resolvePath(claudeConfigDir())) {
    throw new Error(
      `Cannot ${action} "${root}": its .claude/ holds Claude Code's user settings, which apply to every project; run it in a project folder or pass --workspace DIR`,
    );
  }
}

/**
 * A refusal's reason without its `Cannot <action> "<path>": ` head, for a
 * message that names the file itself.
 *
 * @example
 * ```ts
 * import { shortProblem } from "./files.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(shortProblem('Cannot read "/w/x": it is a symbolic link'), "it is a symbolic link");
 * ```
 */
export function shortProblem(problem: string): string {
  return problem.replace(/^Cannot [\w ]+ ".*?": /, "");
}
