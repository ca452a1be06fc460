/**
 * Facts about Claude Code that this tool depends on: where transcripts live
 * and how a workspace's are found there (`transcripts.ts`),
 * and where Claude Code reads its settings levels and slash
 * commands, and how a settings file is read (`settings.ts`).
 *
 * May import: `fs/`. Imported by `push/`, `install/`, `commands/`.
 *
 * @example
 * ```ts
 * import { projectsRoot, settingsPath } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", "/tmp/claude");
 * deepStrictEqual(projectsRoot(), Deno.build.os === "windows" ? "/tmp/claude\\projects" : "/tmp/claude/projects");
 * deepStrictEqual(settingsPath("user", "/w"), Deno.build.os === "windows" ? "/tmp/claude\\settings.json" : "/tmp/claude/settings.json");
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 *
 * @module
 */

export {
  encodeProjectFolder,
  findTranscripts,
  type FoundTranscript,
  isWorkspaceTranscript,
  projectsRoot,
  recordedCwd,
} from "./transcripts.ts";
export {
  claudeConfigDir,
  SESSION_HOOK_EVENTS,
  type SessionHookEvent,
  SETTINGS_LEVELS,
  type SettingsLevel,
  settingsPath,
} from "./settings.ts";
