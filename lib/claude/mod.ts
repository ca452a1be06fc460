/**
 * Facts about Claude Code that this tool depends on: where transcripts live
 * (`projects.ts`).
 *
 * May import: `fs/`. Imported by `push/`, `commands/`.
 *
 * @example
 * ```ts
 * import { projectsRoot } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", "/tmp/claude");
 * deepStrictEqual(projectsRoot(), Deno.build.os === "windows" ? "/tmp/claude\\projects" : "/tmp/claude/projects");
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 *
 * @module
 */

export { projectsRoot } from "./projects.ts";
