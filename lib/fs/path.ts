/**
 * Minimal path helpers for the hook start-up path.
 *
 * `node:path` costs about half a Deno start-up to import, and the hooks run on
 * every Claude Code session start and status-line render, so the few path
 * operations they need live here instead. Swapping in `@std/path` later is a
 * change to this one file.
 *
 * @module
 */

const isWindows = Deno.build.os === "windows";

/** The separator this platform's paths use. */
export const SEPARATOR: string = isWindows ? "\\" : "/";

/**
 * Whether `path` is absolute on POSIX (`/x`) or Windows (`C:\x`, `C:/x`,
 * `\\server\share`), whatever platform we run on: transcript paths come from
 * Claude Code and are checked the same way everywhere.
 */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

/**
 * The user's home folder: `$HOME`, else `$USERPROFILE` (Windows), else `.`.
 */
export function homeDir(): string {
  return Deno.env.get("HOME") || Deno.env.get("USERPROFILE") || ".";
}

/**
 * Joins path segments with the platform separator, without normalizing.
 */
export function joinPath(...segments: string[]): string {
  return segments.join(SEPARATOR);
}

/**
 * Makes `path` absolute against the current directory and folds `.`/`..`
 * segments (and repeated separators).
 */
export function resolvePath(path: string): string {
  const absolute = isAbsolutePath(path) ? path : `${Deno.cwd()}${SEPARATOR}${path}`;
  // No RegExp on the hook path: a process's first split or replace by one costs ~0.1-0.15 ms.
  const [root = "", ...rest] = (isWindows ? absolute.replaceAll("/", "\\") : absolute)
    .split(SEPARATOR);
  const parts: string[] = [];
  for (const part of rest) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `${root}${SEPARATOR}${parts.join(SEPARATOR)}`;
}

/** `path` without trailing separators (either kind), by hand: see {@linkcode resolvePath}. */
function trimSeparators(path: string): string {
  let end = path.length;
  while (end > 0 && (path[end - 1] === "/" || path[end - 1] === "\\")) end--;
  return path.slice(0, end);
}

/**
 * The last segment of `path` (either separator).
 */
export function baseName(path: string): string {
  const trimmed = trimSeparators(path);
  const index = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return trimmed.slice(index + 1);
}

/**
 * The folder part of `path` (either separator); a root stays a root.
 */
export function dirName(path: string): string {
  const trimmed = trimSeparators(path);
  if (trimmed === "" && path !== "") return path[0]!; // "/" or "\\"
  if (trimmed.length === 2 && trimmed[1] === ":" && path.length > 2) return path.slice(0, 3); // "C:\\"
  const index = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  if (index < 0) return ".";
  const dir = trimmed.slice(0, index);
  return dir === "" || dir.endsWith(":") ? trimmed.slice(0, index + 1) : dir;
}
