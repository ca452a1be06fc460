/**
 * Finding the workspace folder `W` when no flag or environment variable names
 * it: the nearest folder, from the current one up, whose `.claude/` holds a
 * file of ours. So `/agnes-private` run after a `cd` into a subfolder marks
 * the session where push will look, instead of starting a new `.claude/`.
 *
 * @module
 */

import { readTextFileBounded } from "../fs/read_bounded.ts";
import { dirName, homeDir, joinPath, resolvePath } from "../fs/path.ts";

/** Files whose presence in `.claude/` marks a workspace of ours (shared with the Python tool). */
const MARKERS = new Set([
  "agnes-sessions.txt",
  "agnes-sessions-private.txt",
  "agnes-sessions-uploaded.txt",
  "agnes-sessions-failed.txt",
  "agnes-sessions-private-skipped.txt",
  "agnes-capture-session.log",
  "agnes-sessions-install.json",
]);

/** Claude Code settings files that may name our hooks. */
const SETTINGS = ["settings.local.json", "settings.json"];

/** Whether the settings file at `path` names a capture hook (ours or the Python tool's). */
function namesOurHooks(path: string): boolean {
  try {
    return (readTextFileBounded(path, 1024 * 1024) ?? "").includes("capture-session");
  } catch {
    return false; // not a regular file, or too large: not evidence of anything
  }
}

/** Whether `dir/.claude/` holds a file of ours. */
function holdsOurFiles(dir: string): boolean {
  const stateDir = joinPath(dir, ".claude");
  let names: string[];
  try {
    names = [...Deno.readDirSync(stateDir)].map((entry) => entry.name);
  } catch {
    return false;
  }
  if (names.some((name) => MARKERS.has(name))) return true;
  return SETTINGS.some((name) => names.includes(name) && namesOurHooks(joinPath(stateDir, name)));
}

/**
 * The nearest folder from `start` up (itself included) whose `.claude/`
 * holds a file of ours, never the home folder (its `.claude/` is Claude
 * Code's own) nor above it; `undefined` when there is none.
 */
export function findWorkspaceFrom(start: string): string | undefined {
  const home = resolvePath(homeDir());
  for (let dir = resolvePath(start);; dir = dirName(dir)) {
    if (dir === home) return undefined;
    if (holdsOurFiles(dir)) return dir;
    if (dirName(dir) === dir) return undefined; // the root
  }
}
