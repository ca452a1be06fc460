/**
 * Where Claude Code keeps transcripts: `<projects_root>/<encoded cwd>/<session_id>.jsonl`.
 *
 * @module
 */

import { joinPath } from "../fs/_path.ts";
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
