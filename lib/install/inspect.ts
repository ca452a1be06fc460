/**
 * What is installed in a workspace, without writing anything: our hooks, the
 * status line, the slash command and the Python `agnes` tool's parts.
 *
 * @module
 */

import { readSettings, SESSION_HOOK_EVENTS, settingsPath } from "../claude/settings.ts";
import { type SessionHookEvent, SETTINGS_LEVELS, type SettingsLevel } from "../claude/settings.ts";
import type { Workspace } from "../store/workspace.ts";
import { PYTHON_HOOK_SUBCOMMANDS, pythonSubcommand, recognisedPrefixes } from "./commands.ts";
import { readSmallFile, shortProblem } from "./files.ts";
import { eventCommands, findOurHooks } from "./_hooks.ts";
import { installRecordPath, parseInstallRecord, recordedCommands } from "./_install_record.ts";
import { slashCommandFile, slashCommandOwner } from "./_slash_command.ts";
import { statusLineCommand, statusLineOwner } from "./status_line.ts";

/** A hook found in a settings file. */
export interface InstalledHook {
  /** The settings level. */
  level: SettingsLevel;
  /** The settings file. */
  path: string;
  /** The hook's command. */
  command: string;
  /** Whether it shares its entry with commands that are not ours (always `false` for the Python tool's). */
  mixed: boolean;
}

/** A status line set in a settings file. */
export interface InstalledStatusLine {
  /** The settings level. */
  level: SettingsLevel;
  /** The settings file. */
  path: string;
  /** Whose it is. */
  owner: "ours" | "python" | "foreign";
  /** Its command, when it has one. */
  command: string | null;
}

/** The `/agnes-private` slash command file. */
export interface InstalledSlashCommand {
  /** `W/.claude/commands/agnes-private.md`. */
  path: string;
  /** Whose it is; `modified` is ours, changed since install wrote it. */
  owner: "ours" | "modified" | "python" | "foreign" | "unreadable";
}

/** What {@linkcode inspectInstallation} found. */
export interface Installation {
  /** The workspace folder. */
  workspace: string;
  /** Our hooks per event, lowest settings level first; an empty list: not installed. */
  hooks: Record<SessionHookEvent, InstalledHook[]>;
  /** The status line Claude Code shows (the highest level that sets one), or `null`. */
  statusLine: InstalledStatusLine | null;
  /** The slash command file, or `null` when there is none. */
  slashCommand: InstalledSlashCommand | null;
  /** The Python `agnes` tool's parts. */
  python: {
    /**
     * Its session hooks per event, in every form its installers wrote: the
     * older CLI's `agnes capture-session`; the newer one's detached
     * `agnes update` (SessionStart) and `agnes push` (SessionEnd).
     */
    hooks: Record<SessionHookEvent, InstalledHook[]>;
    /**
     * Which version of it the hooks are: `"queue"`, the older CLI, which
     * queues sessions as we do; `"scan"`, the newer one, which scans Claude
     * Code's session folder; `null` when none of its hooks is installed.
     */
    generation: "queue" | "scan" | null;
    /** Whether a settings level sets its status line (`agnes statusline`). */
    statusLine: boolean;
    /** Whether the slash command file is its own. */
    slashCommand: boolean;
  };
  /** What install recorded: the command hooks run, per settings file it wrote. */
  recorded: { level: "project" | "local"; command: string }[];
  /** Settings files that could not be read, or are not a JSON object. */
  problems: { level: SettingsLevel; path: string; problem: string }[];
}

function emptyHooks(): Record<SessionHookEvent, InstalledHook[]> {
  return { SessionStart: [], SessionEnd: [] };
}

/**
 * Reports what is installed for the workspace `workspace`, reading the user,
 * project and local settings, the install record and the slash command file.
 * Writes nothing; never throws for a file it cannot read (it is listed in
 * `problems`). Requires `--allow-read` and `--allow-env`.
 *
 * @example A fresh workspace has nothing installed
 * ```ts
 * import { inspectInstallation } from "./inspect.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", await Deno.makeTempDir());
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const found = inspectInstallation(workspace);
 * deepStrictEqual(found.hooks, { SessionStart: [], SessionEnd: [] });
 * deepStrictEqual([found.statusLine, found.slashCommand, found.python.generation], [null, null, null]);
 * await Deno.remove(workspace.root, { recursive: true });
 * await Deno.remove(Deno.env.get("CLAUDE_CONFIG_DIR")!, { recursive: true });
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 */
export function inspectInstallation(workspace: Workspace): Installation {
  return inspectWorkspace(workspace.root, []);
}

/** What is installed in the workspace folder `root`, `given` command prefixes counting as ours. */
export function inspectWorkspace(root: string, given: readonly string[]): Installation {
  const record = parseInstallRecord(readSmallFile(installRecordPath(root)).text);
  const prefixes = recognisedPrefixes([...given, ...recordedCommands(record)]);
  const recorded = (["project", "local"] as const).flatMap((level) =>
    record[level] === undefined ? [] : [{ level, command: record[level]!.command }]
  );
  const found: Installation = {
    workspace: root,
    hooks: emptyHooks(),
    statusLine: null,
    slashCommand: null,
    python: { hooks: emptyHooks(), generation: null, statusLine: false, slashCommand: false },
    recorded,
    problems: [],
  };
  for (const level of SETTINGS_LEVELS) inspectLevel(found, level, prefixes);
  const path = slashCommandFile(root);
  const slash = readSmallFile(path);
  if (slash.state === "unreadable") found.slashCommand = { path, owner: "unreadable" };
  if (slash.state === "ok") {
    found.slashCommand = { path, owner: slashCommandOwner(slash.text, prefixes) };
    found.python.slashCommand = found.slashCommand.owner === "python";
  }
  const python = SESSION_HOOK_EVENTS.flatMap((event) => found.python.hooks[event]);
  found.python.generation = python.length === 0
    ? null
    : python.some((hook) => pythonSubcommand(hook.command) === "capture-session")
    ? "queue"
    : "scan";
  return found;
}

/** Adds what one settings level holds to `found` (levels come lowest first). */
function inspectLevel(found: Installation, level: SettingsLevel, prefixes: readonly string[]) {
  const path = settingsPath(level, found.workspace);
  const file = readSettings(path);
  if (file.state === "unreadable" || file.state === "invalid") {
    found.problems.push({ level, path, problem: shortProblem(file.problem) });
  }
  if (file.state !== "ok") return;
  for (const event of SESSION_HOOK_EVENTS) {
    for (const { command, mixed } of findOurHooks(file.value, event, prefixes)) {
      found.hooks[event].push({ level, path, command, mixed });
    }
    for (const { command } of eventCommands(file.value, event)) {
      if (!PYTHON_HOOK_SUBCOMMANDS[event].includes(pythonSubcommand(command) ?? "")) continue;
      found.python.hooks[event].push({ level, path, command, mixed: false });
    }
  }
  const owner = statusLineOwner(file.value.statusLine, prefixes);
  if (owner === undefined) return;
  const command = statusLineCommand(file.value.statusLine) ?? null;
  found.statusLine = { level, path, owner, command };
  if (owner === "python") found.python.statusLine = true;
}
