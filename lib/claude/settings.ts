/**
 * Where Claude Code reads its settings and slash commands, and how a settings
 * file is read: the user level (`$CLAUDE_CONFIG_DIR/settings.json`, else
 * `~/.claude/settings.json`), the project level (`W/.claude/settings.json`,
 * committed) and the local level (`W/.claude/settings.local.json`, the
 * analyst's own). A later level wins: local over project over user.
 *
 * @module
 */

import { homeDir, joinPath } from "../fs/path.ts";
import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";

/** A settings level of Claude Code, from the lowest precedence to the highest. */
export type SettingsLevel = "user" | "project" | "local";

/** The settings levels, lowest precedence first (local wins over project over user). */
export const SETTINGS_LEVELS: readonly SettingsLevel[] = ["user", "project", "local"];

/** The Claude Code hook events of a session's start and end: what this tool hooks. */
export type SessionHookEvent = "SessionStart" | "SessionEnd";

/** The session hook events, in the order they fire. */
export const SESSION_HOOK_EVENTS: readonly SessionHookEvent[] = ["SessionStart", "SessionEnd"];

/** The settings file names in `W/.claude/` of the workspace levels. */
export const WORKSPACE_SETTINGS_FILES = {
  project: "settings.json",
  local: "settings.local.json",
} as const;

/**
 * Claude Code's own folder: `$CLAUDE_CONFIG_DIR` when non-empty, else
 * `~/.claude` (home from `HOME`, else `USERPROFILE`).
 *
 * @example
 * ```ts
 * import { claudeConfigDir } from "./settings.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", "/tmp/claude");
 * deepStrictEqual(claudeConfigDir(), "/tmp/claude");
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 */
export function claudeConfigDir(): string {
  return Deno.env.get("CLAUDE_CONFIG_DIR") || joinPath(homeDir(), ".claude");
}

/**
 * The settings file of `level` for the workspace folder `root`.
 *
 * @example
 * ```ts
 * import { settingsPath } from "./settings.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(settingsPath("local", "/w").endsWith("settings.local.json"));
 * ok(settingsPath("project", "/w").endsWith("settings.json"));
 * ```
 */
export function settingsPath(level: SettingsLevel, root: string): string {
  if (level === "user") return joinPath(claudeConfigDir(), "settings.json");
  return joinPath(root, ".claude", WORKSPACE_SETTINGS_FILES[level]);
}

/**
 * The file of the project slash command `/<name>` in the workspace folder
 * `root`: `W/.claude/commands/<name>.md`.
 */
export function slashCommandPath(root: string, name: string): string {
  return joinPath(root, ".claude", "commands", `${name}.md`);
}

/** A settings file as read: its text and JSON object, or why there is none. */
export type SettingsFile =
  | { readonly state: "missing" }
  | { readonly state: "ok"; readonly text: string; readonly value: Record<string, unknown> }
  /** Not JSON, or JSON that is not an object: Claude Code cannot use it either. */
  | { readonly state: "invalid"; readonly text: string; readonly problem: string }
  /** Not a regular file, over 1 MiB, or not readable: never opened or parsed. */
  | { readonly state: "unreadable"; readonly problem: string };

/**
 * Whether `value` is a plain JSON object (not an array, not null).
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses the text of a settings file (a leading UTF-8 BOM is ignored).
 */
export function parseSettings(text: string): SettingsFile {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const problem = `not valid JSON (${error instanceof Error ? error.message : error})`;
    return { state: "invalid", text, problem };
  }
  if (!isJsonObject(value)) {
    const kind = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
    return { state: "invalid", text, problem: `not a JSON object but ${kind}` };
  }
  return { state: "ok", text, value };
}

/**
 * Reads a settings file: only a regular file of at most 1 MiB is opened.
 * Never throws.
 */
export function readSettings(path: string): SettingsFile {
  let text: string | undefined;
  try {
    text = readTextFileBounded(path, SMALL_FILE_LIMIT);
  } catch (error) {
    return { state: "unreadable", problem: error instanceof Error ? error.message : String(error) };
  }
  return text === undefined ? { state: "missing" } : parseSettings(text);
}
