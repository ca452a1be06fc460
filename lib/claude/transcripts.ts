/**
 * Where Claude Code keeps transcripts, `<projects_root>/<encoded cwd>/<session_id>.jsonl`,
 * and how a workspace's are found there (`push --scan`).
 *
 * The folder name encodes the working directory: every UTF-16 code unit
 * outside `[A-Za-z0-9]` becomes `-` (runs are not collapsed; one trailing
 * separator is ignored). Names longer than 200 characters are cut and given
 * a hash suffix whose function varies between Claude Code versions, and two
 * folders can encode alike (`/a/b-c` and `/a/b/c`), so the encoding only
 * proposes folders: the `cwd` recorded inside a transcript decides.
 *
 * @module
 */

import { joinPath } from "../fs/path.ts";
import { claudeConfigDir } from "./settings.ts";

/**
 * Claude Code's transcript folder: `$CLAUDE_CONFIG_DIR/projects`, else
 * `~/.claude/projects` (home from `HOME`, else `USERPROFILE`).
 *
 * @example
 * ```ts
 * import { projectsRoot } from "@agnes/sessions";
 * import { ok } from "node:assert/strict";
 *
 * ok(projectsRoot().endsWith("projects")); // e.g. /home/me/.claude/projects
 * ```
 */
export function projectsRoot(): string {
  return joinPath(claudeConfigDir(), "projects");
}

/** Longest folder name Claude Code writes before cutting it and adding a hash. */
const MAX_FOLDER_NAME = 200;

/** How much of a transcript is read to find the `cwd` it records. */
const CWD_SCAN_BYTES = 64 * 1024;

/**
 * Claude Code's folder name for a working directory.
 */
export function encodeProjectFolder(cwd: string): string {
  return cwd.replace(/[\\/]$/, "").replace(/[^A-Za-z0-9]/g, "-");
}

/** One transcript found for the workspace. */
export interface FoundTranscript {
  /** Its path. */
  path: string;
  /** The session id: the file name without `.jsonl`. */
  sessionId: string;
  /** Size in bytes. */
  size: number;
  /** Modification time in ms. */
  mtimeMs: number;
  /** Whether its folder is the workspace's own by name (else found by `cwd` alone). */
  byName: boolean;
}

/**
 * The `cwd` a transcript records near its start (in its first 64 KiB), if any.
 */
export function recordedCwd(path: string): string | undefined {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const buffer = new Uint8Array(CWD_SCAN_BYTES);
    const count = file.readSync(buffer) ?? 0;
    const text = new TextDecoder().decode(buffer.subarray(0, count));
    const match = /"cwd"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text);
    return match ? JSON.parse(match[1]!) : undefined;
  } catch {
    return undefined;
  } finally {
    file.close();
  }
}

/** The `cwd` the transcripts of `folder` record (the first of a few that records one). */
function folderCwd(folder: string): string | undefined {
  let tried = 0;
  try {
    for (const entry of Deno.readDirSync(folder)) {
      if (!entry.isFile || !entry.name.endsWith(".jsonl")) continue;
      const cwd = recordedCwd(joinPath(folder, entry.name));
      if (cwd !== undefined || ++tried >= 3) return cwd;
    }
  } catch {
    // Unreadable: not ours to judge.
  }
  return undefined;
}

const stripSeparator = (path: string) => path.replace(/[\\/]+$/, "");

/** The folders that hold the workspace's transcripts, and whether each is its own by name. */
function workspaceFolders(root: string, workspace: string): [string, boolean][] {
  const encoded = encodeProjectFolder(workspace);
  let names: string[];
  try {
    names = [...Deno.readDirSync(root)].filter((entry) => entry.isDirectory).map((e) => e.name);
  } catch {
    return []; // no projects folder: nothing to find
  }
  if (encoded.length <= MAX_FOLDER_NAME && names.includes(encoded)) {
    return [[joinPath(root, encoded), true]];
  }
  // Absent, or cut and hashed: ask each folder that could be it which cwd it records.
  const prefix = encoded.length > MAX_FOLDER_NAME ? encoded.slice(0, MAX_FOLDER_NAME) : "";
  return names
    .filter((name) => name.startsWith(prefix))
    .map((name) => joinPath(root, name))
    .filter((folder) => stripSeparator(folderCwd(folder) ?? "") === stripSeparator(workspace))
    .map((folder) => [folder, false]);
}

/** The `.jsonl` regular files directly in `folder`, with their size and time. */
function transcriptsIn(folder: string, byName: boolean): FoundTranscript[] {
  const found: FoundTranscript[] = [];
  try {
    for (const entry of Deno.readDirSync(folder)) {
      if (!entry.isFile || !entry.name.endsWith(".jsonl")) continue; // links are not listed as files
      const path = joinPath(folder, entry.name);
      const info = Deno.lstatSync(path);
      if (!info.isFile) continue;
      const sessionId = entry.name.slice(0, -".jsonl".length);
      found.push({ path, sessionId, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0, byName });
    }
  } catch {
    // A folder that vanishes or cannot be read holds nothing we can send.
  }
  return found;
}

/**
 * Every transcript in the workspace's folders: its own folder by name, else
 * (when that is absent, or the name is long enough to be cut and hashed) the
 * folders whose transcripts record the workspace as their `cwd`. Only a few
 * files per fallback folder are opened here; call {@linkcode isWorkspaceTranscript}
 * before sending one, which reads the `cwd` it records (two working
 * directories can share a folder name).
 */
export function findTranscripts(root: string, workspace: string): FoundTranscript[] {
  return workspaceFolders(root, workspace).flatMap(([folder, byName]) =>
    transcriptsIn(folder, byName)
  );
}

/**
 * Whether a found transcript is the workspace's: the `cwd` it records is the
 * workspace; a transcript that records none counts only in the workspace's
 * own folder by name.
 */
export function isWorkspaceTranscript(transcript: FoundTranscript, workspace: string): boolean {
  const cwd = recordedCwd(transcript.path);
  if (cwd === undefined) return transcript.byName;
  return stripSeparator(cwd) === stripSeparator(workspace);
}
