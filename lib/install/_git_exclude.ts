/**
 * Keeping a `W/.claude/settings.local.json` install creates out of git, in the
 * `info/exclude` (never a committed `.gitignore`) of the nearest `.git` up from
 * `W`: a folder, or a worktree's or submodule's `.git` file (`gitdir: …`, then `commondir`).
 *
 * @module
 */

import { dirName, isAbsolutePath, joinPath, resolvePath } from "../fs/path.ts";
import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";

/** Where a path of the workspace is excluded from git. */
export type GitExcludeTarget =
  | { readonly state: "found"; readonly excludePath: string; readonly line: string }
  | { readonly state: "no-repository" }
  | { readonly state: "skipped"; readonly reason: string };

function kindOf(path: string): "folder" | "file" | undefined {
  try {
    const info = Deno.statSync(path);
    return info.isDirectory ? "folder" : info.isFile ? "file" : undefined;
  } catch {
    return undefined;
  }
}

/** The git folder a `.git` file points to, with its shared folder if it has one. */
function gitDirFromFile(dotGit: string): string {
  const text = readTextFileBounded(dotGit, SMALL_FILE_LIMIT) ?? "";
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (match === null) throw new Error(`"${dotGit}" does not say "gitdir: …"`);
  const gitDir = isAbsolutePath(match[1]!) ? match[1]! : joinPath(dirName(dotGit), match[1]!);
  const common = readTextFileBounded(joinPath(gitDir, "commondir"), SMALL_FILE_LIMIT)?.trim();
  if (common === undefined || common === "") return resolvePath(gitDir);
  return resolvePath(isAbsolutePath(common) ? common : joinPath(gitDir, common));
}

/** A path as a gitignore pattern: forward slashes, special characters escaped. */
function patternFor(relative: string): string {
  return relative.replaceAll("\\", "/").replace(/[*?[\]\\]/g, "\\$&").replace(/^[#!]/, "\\$&");
}

/** Finds the repository holding the folder `root` and the line excluding `file` (relative, `/`). */
export function findGitExclude(root: string, file: string): GitExcludeTarget {
  const folder = resolvePath(root);
  for (let dir = folder;; dir = dirName(dir)) {
    const dotGit = joinPath(dir, ".git");
    const kind = kindOf(dotGit);
    if (kind !== undefined) {
      let gitDir: string;
      try {
        gitDir = kind === "folder" ? dotGit : gitDirFromFile(dotGit);
      } catch (error) {
        return { state: "skipped", reason: error instanceof Error ? error.message : String(error) };
      }
      const relative = folder.slice(dir.length).replace(/^[\\/]+/, "");
      const line = patternFor(relative === "" ? file : `${relative}/${file}`);
      return { state: "found", excludePath: joinPath(gitDir, "info", "exclude"), line };
    }
    if (dirName(dir) === dir) return { state: "no-repository" }; // the root
  }
}

/** The exclude file's text with `line` added; `undefined` when a line already excludes the path. */
export function withExcludeLine(text: string | undefined, line: string): string | undefined {
  const existing = (text ?? "").split("\n").map((row) => row.trim());
  if (existing.includes(line) || existing.includes(`/${line}`)) return undefined;
  const before = text ?? "";
  return `${before}${before === "" || before.endsWith("\n") ? "" : "\n"}${line}\n`;
}
