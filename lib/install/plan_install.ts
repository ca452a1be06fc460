/**
 * `install`, planned: reads the settings levels, the slash command file, the
 * install record and git's exclude file, decides every change with the pure
 * functions beside it, and returns the files to write with a report of what
 * and why. Nothing is written here (`_apply.ts` does that), so `--dry-run`
 * shows exactly what a run would do.
 *
 * @module
 */

import {
  readSettings,
  type SettingsFile,
  type SettingsLevel,
  settingsPath,
  slashCommandPath,
} from "../claude/settings.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import type { Workspace } from "../store/workspace.ts";
import { type OurCommands, ourCommands, recognisedPrefixes } from "./commands.ts";
import {
  assertWorkspaceFolder,
  type FileChange,
  readSmallFile,
  shortProblem,
  textOf,
} from "./files.ts";
import { findGitExclude, withExcludeLine } from "./_git_exclude.ts";
import { type HookChange, type HooksResult, mergeOurHooks, ourHookSpecs } from "./_hooks.ts";
import { formatJson, sameJson } from "./_json.ts";
import { findPythonParts, type PythonPart } from "./_python.ts";
import {
  formatInstallRecord,
  type InstallRecord,
  installRecordPath,
  type InstallScope,
  parseInstallRecord,
  recordedCommands,
  type ScopeRecord,
} from "./_record.ts";
import { SLASH_COMMAND_NAME, slashCommandOwner, slashCommandText } from "./_slash_command.ts";
import {
  decideStatusLine,
  type LevelSettings,
  ourStatusLine,
  type StatusLineDecision,
  type StatusLineMode,
} from "./status_line.ts";

/** What `install` is asked to do. */
export interface InstallOptions {
  /** The workspace `W`. */
  workspace: Workspace;
  /** How hooks run this tool (a checked `--command`). */
  command: string;
  /** Write the committed `W/.claude/settings.json` instead of `settings.local.json`. */
  shared: boolean;
  /** Keep a status line that is not ours, or replace it. */
  statusLine: StatusLineMode;
  /** Back up and rebuild a settings file that is not a JSON object. */
  force: boolean;
  /** The time for the backup's name. Default now. */
  now?: Date;
}

/** What happened to the slash command file. */
export type SlashCommandOutcome =
  | { action: "written" | "updated" | "unchanged" | "removed" }
  | { action: "kept"; owner: "modified" | "python" | "foreign" | "unreadable" | "in-use" };

/** What happened to git's exclude file. */
export type GitExcludeOutcome =
  | { state: "added" | "present"; excludePath: string; line: string }
  | { state: "skipped"; reason: string };

/** The report of a planned install, for the sentences the command prints. */
export interface InstallReport {
  /** The workspace folder. */
  workspace: string;
  /** The prefix hooks run. */
  commands: OurCommands;
  /** The settings file written. */
  settingsPath: string;
  /** Which one it is. */
  scope: InstallScope;
  /** Whether install creates it. */
  createdSettings: boolean;
  /** Where a corrupt settings file is kept before it is rebuilt (`--force`). */
  corruptBackup?: { path: string; problem: string };
  /** Our hooks. */
  hooks: HookChange[];
  /** Entries mixing ours with foreign commands, kept as they are. */
  mixedKept: number;
  /** The status-line decision, and whether ours was already there. */
  statusLine: StatusLineDecision & { unchanged: boolean };
  /** The slash command file and what happened to it. */
  slashCommand: { path: string; outcome: SlashCommandOutcome };
  /** Git's exclude file; absent when install did not create the settings file. */
  gitExclude?: GitExcludeOutcome;
  /** The Python `agnes` tool's hooks and status line found in the settings levels. */
  python: PythonPart[];
}

/** A planned run: the files to change, and what to say about it. */
export interface Plan<R> {
  /** The files that change, in the order to write them; empty when nothing does. */
  changes: FileChange[];
  /** What the run does. */
  report: R;
}

/** The file install writes, as it is now and as the merge starts from. */
interface Target {
  path: string;
  before: string | undefined;
  base: Record<string, unknown>;
  created: boolean;
  corruptBackup?: { path: string; problem: string };
}

function readTarget(path: string, force: boolean, now: Date): Target {
  const file = readSettings(path);
  if (file.state === "missing") return { path, before: undefined, base: {}, created: true };
  if (file.state === "ok") return { path, before: file.text, base: file.value, created: false };
  if (file.state === "unreadable") {
    throw new Error(
      `Cannot install into "${path}": ${
        shortProblem(file.problem)
      }; make it a regular file of at most 1 MiB`,
    );
  }
  if (!force) {
    throw new Error(
      `Cannot install into "${path}": it is ${file.problem}; fix it, or run again with --force to back it up and rebuild it`,
    );
  }
  const stamp = formatTimestamp(now).replace(/[-:]/g, "");
  const corruptBackup = { path: `${path}.corrupt.${stamp}`, problem: file.problem };
  return { path, before: file.text, base: {}, created: false, corruptBackup };
}

/** Every settings level as read, the target's replaced by what install will write. */
function readLevels(
  root: string,
  scope: InstallScope,
  settings: Record<string, unknown>,
): LevelSettings[] {
  return (["user", "project", "local"] as const).map((level: SettingsLevel) => {
    const path = settingsPath(level, root);
    const file: SettingsFile = level === scope
      ? { state: "ok", text: "", value: settings }
      : readSettings(path);
    return { level, path, file };
  });
}

/** Applies the status-line decision to the settings about to be written. */
function withStatusLine(
  settings: Record<string, unknown>,
  decision: StatusLineDecision,
  commands: OurCommands,
): Record<string, unknown> {
  if (decision.action === "keep") return settings;
  return { ...settings, statusLine: ourStatusLine(commands.statusLine) };
}

function planSlashCommand(
  root: string,
  commands: OurCommands,
  prefixes: readonly string[],
): { change?: FileChange; report: InstallReport["slashCommand"] } {
  const path = slashCommandPath(root, SLASH_COMMAND_NAME);
  const wanted = slashCommandText(commands);
  const file = readSmallFile(path);
  if (file.state === "missing") {
    return {
      change: { path, before: undefined, after: wanted },
      report: { path, outcome: { action: "written" } },
    };
  }
  if (file.state === "unreadable") {
    return { report: { path, outcome: { action: "kept", owner: "unreadable" } } };
  }
  const owner = slashCommandOwner(file.text, prefixes.map(ourCommands));
  if (owner !== "ours") return { report: { path, outcome: { action: "kept", owner } } };
  if (file.text === wanted) return { report: { path, outcome: { action: "unchanged" } } };
  return {
    change: { path, before: file.text, after: wanted },
    report: { path, outcome: { action: "updated" } },
  };
}

function planGitExclude(
  root: string,
): { change?: FileChange; report: GitExcludeOutcome } | undefined {
  const target = findGitExclude(root, ".claude/settings.local.json");
  if (target.state === "no-repository") return undefined;
  if (target.state === "skipped") return { report: target };
  const file = readSmallFile(target.excludePath);
  if (file.state === "unreadable") return { report: { state: "skipped", reason: file.problem } };
  const after = withExcludeLine(textOf(file), target.line);
  const report = { excludePath: target.excludePath, line: target.line };
  if (after === undefined) return { report: { state: "present", ...report } };
  return {
    change: { path: target.excludePath, before: textOf(file), after },
    report: { state: "added", ...report },
  };
}

/** The record after this install: the command, who created the file, the status-line backup. */
function nextRecord(
  record: InstallRecord,
  scope: InstallScope,
  target: Target,
  decision: StatusLineDecision,
  command: string,
): InstallRecord {
  const previous = record[scope];
  const backup = decision.action === "replace"
    ? { value: decision.previous }
    : decision.action === "set"
    ? previous?.statusLineBackup
    : undefined;
  const entry: ScopeRecord = {
    command,
    createdSettings: target.created || (previous?.createdSettings ?? false),
    ...(backup === undefined ? {} : { statusLineBackup: backup }),
  };
  return { ...record, [scope]: entry };
}

/** A change when `after` differs from `before`. */
function changeOf(
  path: string,
  before: string | undefined,
  after: string | undefined,
): FileChange[] {
  return before === after ? [] : [{ path, before, after }];
}

/** The settings file install writes: its change, and the decisions behind it. */
interface SettingsPlan {
  target: Target;
  changes: FileChange[];
  merged: HooksResult;
  levels: LevelSettings[];
  decision: StatusLineDecision & { unchanged: boolean };
}

function planSettings(
  options: InstallOptions,
  scope: InstallScope,
  commands: OurCommands,
  prefixes: readonly string[],
): SettingsPlan {
  const root = options.workspace.root;
  const target = readTarget(settingsPath(scope, root), options.force, options.now ?? new Date());
  let merged: HooksResult;
  try {
    merged = mergeOurHooks(target.base, ourHookSpecs(commands), prefixes);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot install into "${target.path}": ${problem}; fix it by hand`);
  }
  const levels = readLevels(root, scope, merged.settings);
  const decision = decideStatusLine(levels, scope, options.statusLine, prefixes);
  const settings = withStatusLine(merged.settings, decision, commands);
  // Unchanged settings keep their bytes, whatever their formatting.
  const after = target.before !== undefined && target.corruptBackup === undefined &&
      sameJson(settings, target.base)
    ? target.before
    : formatJson(settings);
  const backup = target.corruptBackup ? { backupPath: target.corruptBackup.path } : {};
  const changes = changeOf(target.path, target.before, after).map((c) => ({ ...c, ...backup }));
  const unchanged = decision.action === "set" &&
    sameJson(target.base.statusLine, ourStatusLine(commands.statusLine));
  return { target, changes, merged, levels, decision: { ...decision, unchanged } };
}

/**
 * Plans `install`: every file to write and what to report.
 *
 * @throws {Error} when the workspace is not a folder, or the settings file
 * cannot be read, is not a JSON object (without `force`) or has a `hooks` of
 * the wrong shape.
 *
 * @example Plan an install into a fresh workspace
 * ```ts
 * import { planInstall } from "./plan_install.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", await Deno.makeTempDir());
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const plan = planInstall({ workspace, command: "agnes-sessions", shared: false, statusLine: "keep", force: false });
 * deepStrictEqual(plan.changes.map((change) => change.path.slice(workspace.root.length)), [
 *   "/.claude/settings.local.json",
 *   "/.claude/commands/agnes-private.md",
 *   "/.claude/agnes-sessions-install.json",
 * ]);
 * deepStrictEqual(plan.report.hooks.map((hook) => hook.action), ["added", "added"]);
 * await Deno.remove(workspace.root, { recursive: true });
 * await Deno.remove(Deno.env.get("CLAUDE_CONFIG_DIR")!, { recursive: true });
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 */
export function planInstall(options: InstallOptions): Plan<InstallReport> {
  const root = options.workspace.root;
  assertWorkspaceFolder(root, "install into");
  const scope: InstallScope = options.shared ? "project" : "local";
  const recordPath = installRecordPath(root);
  const recordText = textOf(readSmallFile(recordPath));
  const record = parseInstallRecord(recordText);
  const prefixes = recognisedPrefixes([options.command, ...recordedCommands(record)]);
  const commands = ourCommands(options.command);
  const settings = planSettings(options, scope, commands, prefixes);
  const { target, decision } = settings;
  const slash = planSlashCommand(root, commands, prefixes);
  const exclude = scope === "local" && target.created ? planGitExclude(root) : undefined;
  const recordAfter = formatInstallRecord(
    nextRecord(record, scope, target, decision, options.command),
  );
  return {
    changes: [
      ...settings.changes,
      ...(slash.change ? [slash.change] : []),
      ...changeOf(recordPath, recordText, recordAfter),
      ...(exclude?.change ? [exclude.change] : []),
    ],
    report: {
      workspace: root,
      commands,
      settingsPath: target.path,
      scope,
      createdSettings: target.created,
      ...(target.corruptBackup ? { corruptBackup: target.corruptBackup } : {}),
      hooks: settings.merged.hooks,
      mixedKept: settings.merged.mixedKept,
      statusLine: decision,
      slashCommand: slash.report,
      ...(exclude ? { gitExclude: exclude.report } : {}),
      python: findPythonParts(settings.levels),
    },
  };
}
