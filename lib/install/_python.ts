/**
 * The Python `agnes` tool's session parts in the settings levels: its hooks
 * (`bash -c "agnes capture-session …"`, `bash -c "( nohup agnes push … & ) ;
 * true"`) and its status line (`agnes statusline`). Install leaves them
 * alone and says both tools are installed: they share the queue, the private
 * list and the locks safely.
 *
 * @module
 */

import { SESSION_HOOK_EVENTS, type SettingsLevel } from "../claude/settings.ts";
import { pythonSubcommand } from "./commands.ts";
import { eventCommands } from "./_hooks.ts";
import { type LevelSettings, statusLineCommand } from "./status_line.ts";

/** The Python tool's parts found in one settings file. */
export interface PythonPart {
  /** The level. */
  level: SettingsLevel;
  /** Its file. */
  path: string;
  /** What runs there, e.g. `SessionStart: agnes capture-session`, `statusLine: agnes statusline`. */
  parts: string[];
}

/**
 * The Python tool's session hooks and status line in `levels`.
 *
 * @example
 * ```ts
 * import { findPythonParts } from "./_python.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const value = {
 *   hooks: { SessionEnd: [{ hooks: [{ type: "command", command: 'bash -c "( nohup agnes push --quiet & ) ; true"' }] }] },
 *   statusLine: { type: "command", command: "agnes statusline" },
 * };
 * const levels = [{ level: "project" as const, path: "/w/.claude/settings.json", file: { state: "ok" as const, text: "", value } }];
 * deepStrictEqual(findPythonParts(levels), [
 *   { level: "project", path: "/w/.claude/settings.json", parts: ["SessionEnd: agnes push", "statusLine: agnes statusline"] },
 * ]);
 * ```
 */
export function findPythonParts(levels: readonly LevelSettings[]): PythonPart[] {
  return levels.flatMap(({ level, path, file }) => {
    if (file.state !== "ok") return [];
    const parts = SESSION_HOOK_EVENTS.flatMap((event) =>
      eventCommands(file.value, event).flatMap(({ command }) => {
        const subcommand = pythonSubcommand(command);
        return subcommand === undefined ? [] : [`${event}: agnes ${subcommand}`];
      })
    );
    const statusLine = pythonSubcommand(statusLineCommand(file.value.statusLine) ?? "");
    if (statusLine === "statusline") parts.push("statusLine: agnes statusline");
    return parts.length === 0 ? [] : [{ level, path, parts: [...new Set(parts)] }];
  });
}
