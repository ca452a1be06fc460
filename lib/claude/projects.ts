/**
 * Where Claude Code keeps transcripts: `<projects_root>/<encoded cwd>/<session_id>.jsonl`.
 *
 * @module
 */

import { homeDir, joinPath } from "../fs/_path.ts";

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
  const configDir = Deno.env.get("CLAUDE_CONFIG_DIR");
  if (configDir) return joinPath(configDir, "projects");
  return joinPath(homeDir(), ".claude", "projects");
}
