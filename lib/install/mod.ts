/**
 * Wiring a workspace into Claude Code, and taking it out again: our
 * SessionStart / SessionEnd hooks, the status line and the `/agnes-private`
 * slash command in the workspace's settings. Pure functions decide each
 * change over parsed settings (`_hooks.ts`, `status_line.ts`,
 * `_slash_command.ts`, `_git_exclude.ts`, `_install_record.ts`); one planner reads
 * the files and says what to write and why, for install and uninstall alike
 * (`plan.ts`); a dry run prints each change with its diff (`diff.ts`), a real
 * run writes atomically (`files.ts`) and says what it did from a table of
 * sentences (`messages.ts`). The public part is `inspect.ts`: what is
 * installed, without writing.
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
