/**
 * `install` and `install --uninstall`, planned as one: the files to write and
 * notes of what happens. Nothing is written here, so `--dry-run` shows exactly
 * what a run would do.
 *
 * @module
 */

import { readSettings, SETTINGS_LEVELS, settingsPath } from "../claude/settings.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import type { Workspace } from "../store/workspace.ts";
import { DEFAULT_COMMAND, recognisedPrefixes } from "./commands.ts";
import {
  assertWorkspaceFolder,
  type FileChange,
  formatJson,
  readSmallFile,
  relativeToWorkspace,
  sameJson,
  shortProblem,
} from "./files.ts";
import { findGitExclude, withExcludeLine } from "./_git_exclude.ts";
import { editOurHooks, hooksShapeProblem, ourHookSpecs } from "./_hooks.ts";
import { inspectWorkspace, type Installation } from "./inspect.ts";
import { describeStatusLine, pythonNotes, statusLineNotes } from "./messages.ts";
import type { Note, SentenceKey } from "./messages.ts";
import * as record from "./_install_record.ts";
import { slashCommandFile, slashCommandOwner, slashCommandText } from "./_slash_command.ts";
import * as statusLine from "./status_line.ts";

/** What `install` or `install --uninstall` is asked to do. */
export interface PlanOptions {
  /** The workspace `W`. */
  workspace: Workspace;
  /** Take out what install added, instead of adding it. */
  uninstall: boolean;
  /** How hooks run this tool (a checked `--command`); default the recorded one, else `agnes-sessions`. */
  command?: string;
  /** The committed `W/.claude/settings.json` instead of `settings.local.json`. */
  shared: boolean;
  /** Install: keep a status line that is not ours (default), or replace it. */
  statusLine?: statusLine.StatusLineMode;
  /** Install: back up and rebuild a settings file that is not a JSON object. */
  force?: boolean;
}

/** A planned run: the files to change, and what to say about it. */
export interface Plan {
  /** Whether it uninstalls. */
  uninstall: boolean;
  /** The workspace folder. */
  workspace: string;
  /** The settings file written, as sentences show it (`.claude/settings.local.json`). */
  file: string;
  /** The command hooks run (`--command`, else the recorded one, else the default). */
  prefix: string;
  /** The files that change, in the order to write them; empty when nothing does. */
  changes: FileChange[];
  /** What the run does and finds, in the order to say it. */
  notes: Note[];
}

/** The plan being built, and what its steps read (the settings file, its record entry, …). */
interface Planning extends Plan {
  options: PlanOptions;
  scope: record.InstallScope;
  prefixes: readonly string[];
  before: SettingsBefore;
  recordEntry: record.ScopeRecord | undefined;
  installed: Installation;
}

/** A settings file as read, and the object the edit starts from. */
interface SettingsBefore {
  path: string;
  text: string | undefined;
  value: Record<string, unknown>;
  /** Where a file that is not a JSON object is kept before it is rebuilt (`--force`). */
  corrupt?: { backupPath: string; problem: string };
}

function note(plan: Planning, say: SentenceKey, slots: Record<string, string> = {}): void {
  plan.notes.push({ say, ...slots });
}

function addChange(plan: Planning, change: FileChange): void {
  if (change.before !== change.after) plan.changes.push(change);
}

/** `path` as sentences show it. */
function shown(plan: Planning, path: string): string {
  return relativeToWorkspace(plan.workspace, path);
}

/** Reads the settings file at `path`; throws when it cannot be edited. */
function readScopeSettings(path: string, options: PlanOptions): SettingsBefore {
  const file = readSettings(path);
  const cannot = `Cannot ${options.uninstall ? "uninstall from" : "install into"} "${path}"`;
  if (file.state === "missing") return { path, text: undefined, value: {} };
  if (file.state === "ok") {
    const problem = hooksShapeProblem(file.value);
    if (problem === undefined) return { path, text: file.text, value: file.value };
    throw new Error(`${cannot}: ${problem}; fix it by hand`);
  }
  if (file.state === "unreadable") {
    const problem = shortProblem(file.problem);
    throw new Error(`${cannot}: ${problem}; make it a regular file of at most 1 MiB`);
  }
  if (options.uninstall || !options.force) {
    const fix = options.uninstall
      ? "fix or remove it by hand"
      : "fix it, or run again with --force to back it up and rebuild it";
    throw new Error(`${cannot}: it is ${file.problem}; ${fix}`);
  }
  const stamp = formatTimestamp(new Date()).replace(/[-:]/g, "");
  const corrupt = { backupPath: `${path}.corrupt.${stamp}`, problem: file.problem };
  return { path, text: file.text, value: {}, corrupt };
}

/** The settings file's change: unchanged settings keep their bytes, whatever their formatting. */
function addSettingsChange(
  plan: Planning,
  after: Record<string, unknown> | undefined,
  why: string,
): void {
  const { path, text, value, corrupt } = plan.before;
  const same = text !== undefined && corrupt === undefined && sameJson(after, value);
  const written = after === undefined ? undefined : same ? text : formatJson(after);
  const backup = corrupt === undefined ? {} : { backupPath: corrupt.backupPath };
  addChange(plan, { path, before: text, after: written, why, ...backup });
}

/** Plans the settings file of an install; returns the record's entry for it. */
function installSettings(plan: Planning): record.ScopeRecord {
  const { before, recordEntry: entry } = plan;
  const merged = editOurHooks(before.value, ourHookSpecs(plan.prefix), plan.prefixes);
  const levels = SETTINGS_LEVELS.map((level) => {
    const path = settingsPath(level, plan.workspace);
    const file = level === plan.scope
      ? { state: "ok" as const, text: "", value: merged.settings }
      : readSettings(path);
    return { level, path, file };
  });
  const mode = plan.options.statusLine ?? "keep";
  const decision = statusLine.decideStatusLine(levels, plan.scope, mode, plan.prefixes);
  const ours = { type: "command", command: `${plan.prefix} statusline` };
  if (before.corrupt) {
    const { problem, backupPath } = before.corrupt;
    note(plan, "settingsRebuilt", { problem, backup: shown(plan, backupPath) });
  }
  if (before.text === undefined) note(plan, `settingsCreated.${plan.scope}`);
  for (const { action, event, command } of merged.hooks) {
    note(plan, `hook.${action}`, { event, command });
  }
  if (merged.mixedKept > 0) note(plan, "mixedKept", { count: `${merged.mixedKept}` });
  const already = sameJson(before.value.statusLine, ours);
  plan.notes.push(...statusLineNotes(decision, already, plan.workspace));
  const keep = decision.action === "keep";
  const after = keep ? merged.settings : { ...merged.settings, statusLine: ours };
  addSettingsChange(plan, after, keep ? "our hooks" : "our hooks and status line");
  const backup = keep ? undefined : entry?.statusLineBackup;
  const statusLineBackup = decision.action === "replace" ? decision.previous : backup;
  return {
    command: plan.prefix,
    createdSettings: before.text === undefined || (entry?.createdSettings ?? false),
    ...(statusLineBackup === undefined ? {} : { statusLineBackup }),
  };
}

/** Plans the settings file of an uninstall. */
function uninstallSettings(plan: Planning): void {
  const { before, recordEntry: entry } = plan;
  const removed = editOurHooks(before.value, [], plan.prefixes);
  for (const { event, command } of removed.hooks) note(plan, "hook.removed", { event, command });
  if (removed.hooks.length === 0) note(plan, "noHooks");
  if (before.text === undefined) return;
  if (removed.mixedKept > 0) note(plan, "mixedKeptOnUninstall", { count: `${removed.mixedKept}` });
  const backup = entry?.statusLineBackup;
  const line = statusLine.removeOurStatusLine(removed.settings, plan.prefixes, backup);
  if (line.action === "kept" && backup !== undefined) {
    note(plan, "statusLineKeptWithBackup", { backup: describeStatusLine(backup) });
  } else if (line.action !== "none") {
    note(plan, `statusLine.${line.action}`);
  }
  if (Object.keys(line.settings).length > 0 || entry?.createdSettings !== true) {
    return addSettingsChange(plan, line.settings, "our hooks taken out");
  }
  note(plan, "settingsRemoved");
  addSettingsChange(plan, undefined, "install had created it, and nothing else is left in it");
}

/** The other workspace settings file, when it still runs our hooks. */
function stillInstalledIn(plan: Planning): string | undefined {
  const other = plan.scope === "local" ? "project" : "local";
  return Object.values(plan.installed.hooks).flat().find((hook) => hook.level === other)?.path;
}

function planSlashCommand(plan: Planning): void {
  const path = slashCommandFile(plan.workspace);
  const slots = { slash: shown(plan, path) };
  const why = "the /agnes-private slash command";
  const wanted = plan.uninstall ? undefined : slashCommandText(plan.prefix);
  const file = readSmallFile(path);
  if (file.state === "missing") {
    if (wanted === undefined) return;
    addChange(plan, { path, before: undefined, after: wanted, why });
    return note(plan, "slashCommand.written", slots);
  }
  if (file.state === "unreadable") return note(plan, "slashCommandKept.unreadable", slots);
  const owner = slashCommandOwner(file.text, plan.prefixes);
  if (owner !== "ours") return note(plan, `slashCommandKept.${owner}`, slots);
  const inUseBy = plan.uninstall ? stillInstalledIn(plan) : undefined;
  if (inUseBy !== undefined) {
    return note(plan, "slashCommandKept.inUse", { ...slots, other: shown(plan, inUseBy) });
  }
  if (file.text === wanted) return note(plan, "slashCommand.unchanged", slots);
  addChange(plan, { path, before: file.text, after: wanted, why, removeEmptyFolder: !wanted });
  note(plan, plan.uninstall ? "slashCommand.removed" : "slashCommand.updated", slots);
}

function planGitExclude(plan: Planning): void {
  const target = findGitExclude(plan.workspace, ".claude/settings.local.json");
  if (target.state === "no-repository") return;
  if (target.state === "skipped") return note(plan, "git.skipped", { reason: target.reason });
  const file = readSmallFile(target.excludePath);
  if (file.state === "unreadable") return note(plan, "git.skipped", { reason: file.problem });
  const after = withExcludeLine(file.text, target.line);
  const slots = { exclude: target.excludePath, line: target.line };
  if (after === undefined) return note(plan, "git.present", slots);
  const why = `"${target.line}" keeps your own settings out of git`;
  addChange(plan, { path: target.excludePath, before: file.text, after, why });
  note(plan, "git.added", slots);
}

/**
 * Plans `install`, or `install --uninstall`: every file to change, and what
 * to say about it.
 *
 * @throws {Error} when the workspace is the home folder, or the settings file
 * cannot be read, is not a JSON object (install without `force`, or
 * uninstall) or has a `hooks` of the wrong shape.
 */
export function planInstallation(options: PlanOptions): Plan {
  const { uninstall, workspace: { root: workspace } } = options;
  assertWorkspaceFolder(workspace, uninstall ? "uninstall from" : "install into");
  const scope = options.shared ? "project" : "local";
  const recordPath = record.installRecordPath(workspace);
  const recordText = readSmallFile(recordPath).text;
  const recorded = record.parseInstallRecord(recordText);
  const given = options.command === undefined ? [] : [options.command];
  const prefix = options.command ?? (uninstall ? recorded[scope]?.command : undefined) ??
    DEFAULT_COMMAND;
  const path = settingsPath(scope, workspace);
  const file = relativeToWorkspace(workspace, path);
  const result: Plan = { uninstall, workspace, file, prefix, changes: [], notes: [] };
  const plan: Planning = {
    ...result, // sharing its arrays: the planning state stays here
    options,
    scope,
    prefixes: recognisedPrefixes([...given, ...record.recordedCommands(recorded)]),
    before: readScopeSettings(path, options),
    recordEntry: recorded[scope],
    installed: inspectWorkspace(workspace, given),
  };
  const { [scope]: _entry, ...others } = recorded;
  if (uninstall) uninstallSettings(plan);
  const after = uninstall ? others : { ...recorded, [scope]: installSettings(plan) };
  planSlashCommand(plan);
  const why = "the install record: the command hooks run, for later runs and --uninstall";
  const recordAfter = record.formatInstallRecord(after);
  addChange(plan, { path: recordPath, before: recordText, after: recordAfter, why });
  if (!uninstall && scope === "local" && plan.before.text === undefined) planGitExclude(plan);
  if (!uninstall) plan.notes.push(...pythonNotes(plan.installed.python, workspace));
  return result;
}
