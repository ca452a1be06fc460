/**
 * Whether install sets our status line, decided over every settings level:
 * Claude Code shows the highest level's (local over project over user), so ours
 * is set only when no level sets another, unless `--statusline replace`.
 *
 * @module
 */

import { isJsonObject, SETTINGS_LEVELS, type SettingsFile } from "../claude/settings.ts";
import type { SettingsLevel } from "../claude/settings.ts";
import { ourSubcommand, pythonSubcommand } from "./commands.ts";

/** Whose a status line is. */
export type StatusLineOwner = "ours" | "python" | "foreign";

/** What install does with the status line of the file it writes. */
export type StatusLineMode = "keep" | "replace";

/** One settings level as read, for the decision: the level, its file's path, what was read. */
export interface LevelSettings {
  level: SettingsLevel;
  path: string;
  file: SettingsFile;
}

/** The decision for the file install writes. */
export type StatusLineDecision =
  /** Write ours; `shadowedBy` still wins over it; it hides `overrides` (`--statusline replace`). */
  | { action: "set"; shadowedBy?: LevelSettings; overrides?: LevelSettings }
  /** Write ours over a status line of another tool, which is kept as a backup. */
  | { action: "replace"; previous: unknown; shadowedBy?: LevelSettings }
  /** Leave it: `level` sets a status line that is not ours (or cannot be read). */
  | { action: "keep"; level: LevelSettings; owner: StatusLineOwner | "unknown"; value: unknown };

/** The command of a `statusLine` value, when it has one. */
export function statusLineCommand(value: unknown): string | undefined {
  return isJsonObject(value) && typeof value.command === "string" ? value.command : undefined;
}

/** Whose `value` (a `statusLine` setting) is; `undefined` when it sets none (missing or `null`). */
export function statusLineOwner(
  value: unknown,
  prefixes: readonly string[],
): StatusLineOwner | undefined {
  if (value === undefined || value === null) return undefined;
  const command = statusLineCommand(value) ?? "";
  if (ourSubcommand(command, prefixes) === "statusline") return "ours";
  if (pythonSubcommand(command) === "statusline") return "python";
  return "foreign";
}

/** A level that sets a status line that is not ours (or may: it could not be read). */
type OtherStatusLine = Omit<Extract<StatusLineDecision, { action: "keep" }>, "action">;

/** The levels that set a status line that is not ours, highest first. */
function otherStatusLines(levels: readonly LevelSettings[], prefixes: readonly string[]) {
  return levels.flatMap((level): OtherStatusLine[] => {
    const { file } = level;
    if (file.state === "unreadable" || file.state === "invalid") {
      return [{ level, owner: "unknown", value: undefined }];
    }
    const value = file.state === "ok" ? file.value.statusLine : undefined;
    const owner = statusLineOwner(value, prefixes);
    return owner === undefined || owner === "ours" ? [] : [{ level, owner, value }];
  }).reverse();
}

/** Decides the status line of the `target` level's file, given every level as it will be. */
export function decideStatusLine(
  levels: readonly LevelSettings[],
  target: SettingsLevel,
  mode: StatusLineMode,
  prefixes: readonly string[],
): StatusLineDecision {
  const file = levels.find((level) => level.level === target)?.file;
  const current = file?.state === "ok" ? file.value.statusLine : undefined;
  const owner = statusLineOwner(current, prefixes);
  const others = otherStatusLines(levels, prefixes);
  const rank = (other: { level: LevelSettings }) =>
    SETTINGS_LEVELS.indexOf(other.level.level) - SETTINGS_LEVELS.indexOf(target);
  const higher = others.find((other) => rank(other) > 0);
  const shadow = higher === undefined ? {} : { shadowedBy: higher.level };
  if (owner === "ours") return { action: "set", ...shadow };
  if (mode === "replace") {
    if (owner !== undefined) return { action: "replace", previous: current, ...shadow };
    const lower = others.find((other) => rank(other) < 0);
    return { action: "set", ...shadow, ...(lower === undefined ? {} : { overrides: lower.level }) };
  }
  return others[0] === undefined ? { action: "set" } : { action: "keep", ...others[0] };
}

/** Takes our status line out of `settings`, putting back the `backup` (if any) install replaced. */
export function removeOurStatusLine(
  settings: Record<string, unknown>,
  prefixes: readonly string[],
  backup: unknown,
): { settings: Record<string, unknown>; action: "removed" | "restored" | "kept" | "none" } {
  const owner = statusLineOwner(settings.statusLine, prefixes);
  if (owner === undefined) return { settings, action: "none" };
  if (owner !== "ours") return { settings, action: "kept" };
  if (backup !== undefined) {
    return { settings: { ...settings, statusLine: backup }, action: "restored" };
  }
  const { statusLine: _ours, ...rest } = settings;
  return { settings: rest, action: "removed" };
}
