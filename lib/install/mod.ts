/**
 * Wiring a workspace into Claude Code, and taking it out again: our hooks, the
 * status line and the `/agnes-private` slash command. One planner (`plan.ts`)
 * says what to write and why; a dry run prints its diff (`diff.ts`), a real run
 * writes it (`files.ts`). The public part is `inspect.ts`: what is installed.
 *
 * May import: `claude/`, `store/`, `fs/`, `format/`. Imported by `commands/`.
 *
 * @example What a fresh workspace has installed
 * ```ts
 * import { inspectInstallation } from "./mod.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", await Deno.makeTempDir());
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(inspectInstallation(workspace).hooks.SessionStart, []);
 * await Deno.remove(workspace.root, { recursive: true });
 * await Deno.remove(Deno.env.get("CLAUDE_CONFIG_DIR")!, { recursive: true });
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 *
 * @module
 */

export {
  inspectInstallation,
  type Installation,
  type InstalledHook,
  type InstalledSlashCommand,
  type InstalledStatusLine,
} from "./inspect.ts";
