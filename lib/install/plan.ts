/**
 * `install` and `install --uninstall`, planned as one: read the settings
 * file of the scope, the slash command file, the install record and, when
 * install creates `settings.local.json`, git's exclude file; decide every
 * change with the pure functions beside it; return the files to write, each
 * with what it is for, and notes of what happens, which `messages.ts` turns
 * into sentences. Nothing is written here (`apply.ts` does that), so
 * `--dry-run` shows exactly what a run would do.
 *
 * Uninstall takes out exactly what install added: our entries and the
 * containers left empty by it (the file too, when install created it and
 * nothing else is left in it); the status line only if it is ours, putting
 * back the one install replaced; the slash command only if unmodified and no
 * other settings file still runs our hooks; then the record's entry.
 * Everything else stays byte for byte.
 *
 * @module
 */

import {
  readSettings,
  SESSION_HOOK_EVENTS,
  type SettingsFile,
  type SettingsLevel,
  settingsPath,
  slashCommandPath,
} from "../claude/settings.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import type { Workspace } from "../store/workspace.ts";
import {
  DEFAULT_COMMAND,
  type OurCommands,
  ourCommands,
  pythonSubcommand,
  recognisedPrefixes,
} from "./commands.ts";
import {
  assertWorkspaceFolder,
  type FileChange,
  formatJson,
  readSmallFile,
  relativeToWorkspace,
  sameJson,
  shortProblem,
  textWhenRead,
} from "./files.ts";
import { findGitExclude, withExcludeLine } from "./_git_exclude.ts";
import {
  findOurHooks,
  type HookSpec,
  type HooksResult,
  mergeOurHooks,
  ourHookSpecs,
  removeOurHooks,
} from "./_hooks.ts";
import { inspectInstallation } from "./inspect.ts";
import type { SentenceKey } from "./messages.ts";
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
  removeOurStatusLine,
  statusLineCommand,
  type StatusLineDecision,
  type StatusLineMode,
} from "./status_line.ts";

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
  statusLine?: StatusLineMode;
  /** Install: back up and rebuild a settings file that is not a JSON object. */
  force?: boolean;
  /** The time for such a backup's name. Default now. */
  now?: Date;
}

/** One thing a run does or finds: the sentence to say, and the values it names. */
export interface Note {
  /** The sentence, a key of `SENTENCES` in `messages.ts`. */
  say: SentenceKey;
  /** The values the sentence names, e.g. `file`, `command`. */
  [value: string]: string;
}

/** A planned run: the files to change, and what to say about it. */
export interface Plan {
  /** Whether it uninstalls. */
  uninstall: boolean;
  /** The workspace folder. */
  workspace: string;
  /** The command hooks run (`--command`, else the recorded one, else the default). */
  prefix: string;
  /** The files that change, in the order to write them; empty when nothing does. */
  changes: FileChange[];
  /** What the run does and finds, in the order to say it. */
  notes: Note[];
}

/** What every step of the plan reads. */
interface PlanContext {
  plan: Plan;
  scope: InstallScope;
  prefixes: readonly string[];
  commands: OurCommands;
}

/** The settings file of the scope as it is, and the object the edit starts from. */
interface SettingsBefore {
  path: string;
  /** Its text; `undefined` when it does not exist. */
  text: string | undefined;
  value: Record<string, unknown>;
  /** Where a file that is not a JSON object is kept before it is rebuilt (`--force`). */
  corrupt?: { backupPath: string; problem: string };
}

function note(context: PlanContext, say: SentenceKey, values: Record<string, string> = {}): void {
  context.plan.notes.push({ say, ...values });
}

function addChange(context: PlanContext, change: FileChange): void {
  if (change.before !== change.after) context.plan.changes.push(change);
}

/** `path` as sentences show it: relative to the workspace when inside it. */
function shownPath(context: PlanContext, path: string): string {
  return relativeToWorkspace(context.plan.workspace, path);
}

function readScopeSettings(path: string, options: PlanOptions): SettingsBefore {
  const file = readSettings(path);
  if (file.state === "missing") return { path, text: undefined, value: {} };
  if (file.state === "ok") return { path, text: file.text, value: file.value };
  const action = options.uninstall ? "uninstall from" : "install into";
  if (file.state === "unreadable") {
    throw new Error(
      `Cannot ${action} "${path}": ${
        shortProblem(file.problem)
      }; make it a regular file of at most 1 MiB`,
    );
  }
  if (options.uninstall || !options.force) {
    const fix = options.uninstall
      ? "fix or remove it by hand"
      : "fix it, or run again with --force to back it up and rebuild it";
    throw new Error(`Cannot ${action} "${path}": it is ${file.problem}; ${fix}`);
  }
  const stamp = formatTimestamp(options.now ?? new Date()).replace(/[-:]/g, "");
  const corrupt = { backupPath: `${path}.corrupt.${stamp}`, problem: file.problem };
  return { path, text: file.text, value: {}, corrupt };
}

/**
 * Merges our hooks into the settings (`specs` given), or takes ours out,
 * naming the file when its `hooks` has the wrong shape.
 */
function editHooks(
  before: SettingsBefore,
  specs: readonly HookSpec[] | undefined,
  prefixes: readonly string[],
): HooksResult {
  try {
    return specs === undefined
      ? removeOurHooks(before.value, prefixes)
      : mergeOurHooks(before.value, specs, prefixes);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    const action = specs === undefined ? "uninstall from" : "install into";
    throw new Error(`Cannot ${action} "${before.path}": ${problem}; fix it by hand`);
  }
}

/** The settings file's change: unchanged settings keep their bytes, whatever their formatting. */
function addSettingsChange(
  context: PlanContext,
  before: SettingsBefore,
  after: Record<string, unknown> | undefined,
  why: string,
): void {
  const text = after === undefined
    ? undefined
    : before.text !== undefined && before.corrupt === undefined && sameJson(after, before.value)
    ? before.text
    : formatJson(after);
  const backup = before.corrupt ? { backupPath: before.corrupt.backupPath } : {};
  addChange(context, { path: before.path, before: before.text, after: text, why, ...backup });
}

/** Every settings level as read, the scope's replaced by what install will write. */
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

/** A status-line value in a sentence: its command in quotes, else its JSON. */
function describeStatusLine(value: unknown): string {
  const command = statusLineCommand(value);
  return command === undefined ? JSON.stringify(value) : `"${command}"`;
}

function noteStatusLine(
  context: PlanContext,
  decision: StatusLineDecision,
  alreadyOurs: boolean,
  file: string,
): void {
  const ours = context.commands.statusLine;
  if (decision.action === "keep") {
    const level = decision.level.file;
    note(context, `statusLineKept.${decision.owner}` as SentenceKey, {
      where: shownPath(context, decision.level.path),
      value: describeStatusLine(decision.value),
      command: statusLineCommand(decision.value) ?? "your-command",
      problem: "problem" in level ? ` (${level.problem})` : "",
      prefix: context.plan.prefix,
      file,
    });
    return;
  }
  if (decision.action === "replace") {
    note(context, "statusLineReplaced", {
      previous: describeStatusLine(decision.previous),
      ours,
      file,
    });
  } else if (alreadyOurs) {
    note(context, "statusLineAlreadySet", { ours, file });
  } else if (decision.overrides !== undefined) {
    const hidden = shownPath(context, decision.overrides.path);
    note(context, "statusLineSetOverriding", { ours, file, hidden });
  } else {
    note(context, "statusLineSet", { ours, file });
  }
  if (decision.shadowedBy !== undefined) {
    note(context, "statusLineShadowed", { shadow: shownPath(context, decision.shadowedBy.path) });
  }
}

/** Plans the settings file of an install; returns the record's entry for it, and whether install creates it. */
function installSettings(
  context: PlanContext,
  options: PlanOptions,
  previous: ScopeRecord | undefined,
): { entry: ScopeRecord; created: boolean } {
  const { scope, prefixes, commands } = context;
  const before = readScopeSettings(settingsPath(scope, context.plan.workspace), options);
  const file = shownPath(context, before.path);
  const merged = editHooks(before, ourHookSpecs(commands), prefixes);
  const levels = readLevels(context.plan.workspace, scope, merged.settings);
  const decision = decideStatusLine(levels, scope, options.statusLine ?? "keep", prefixes);
  const wanted = ourStatusLine(commands.statusLine);
  const after = decision.action === "keep"
    ? merged.settings
    : { ...merged.settings, statusLine: wanted };
  if (before.corrupt) {
    const backup = shownPath(context, before.corrupt.backupPath);
    note(context, "settingsRebuilt", { file, problem: before.corrupt.problem, backup });
  }
  if (before.text === undefined) note(context, `settingsCreated.${scope}`, { file });
  for (const hook of merged.hooks) {
    note(context, `hook.${hook.action}`, { event: hook.event, command: hook.command, file });
  }
  if (merged.mixedKept > 0) note(context, "mixedKept", { file, count: `${merged.mixedKept}` });
  const alreadyOurs = decision.action === "set" && sameJson(before.value.statusLine, wanted);
  noteStatusLine(context, decision, alreadyOurs, file);
  addSettingsChange(
    context,
    before,
    after,
    decision.action === "keep" ? "our hooks" : "our hooks and status line",
  );
  const backup = decision.action === "replace"
    ? { value: decision.previous }
    : decision.action === "set"
    ? previous?.statusLineBackup
    : undefined;
  const created = before.text === undefined;
  const entry = {
    command: context.plan.prefix,
    createdSettings: created || (previous?.createdSettings ?? false),
    ...(backup === undefined ? {} : { statusLineBackup: backup }),
  };
  return { entry, created };
}

/** Plans the settings file of an uninstall. */
function uninstallSettings(
  context: PlanContext,
  options: PlanOptions,
  entry: ScopeRecord | undefined,
): void {
  const before = readScopeSettings(settingsPath(context.scope, context.plan.workspace), options);
  const file = shownPath(context, before.path);
  if (before.text === undefined) return note(context, "noHooks", { file });
  const removed = editHooks(before, undefined, context.prefixes);
  for (const hook of removed.hooks) {
    note(context, "hook.removed", { event: hook.event, command: hook.command, file });
  }
  if (removed.hooks.length === 0) note(context, "noHooks", { file });
  if (removed.mixedKept > 0) {
    note(context, "mixedKeptOnUninstall", { file, count: `${removed.mixedKept}` });
  }
  const backup = entry?.statusLineBackup;
  const line = removeOurStatusLine(removed.settings, context.prefixes, backup);
  if (line.action === "kept" && backup !== undefined) {
    note(context, "statusLineKeptWithBackup", { file, backup: describeStatusLine(backup.value) });
  } else if (line.action !== "none") {
    note(context, `statusLine.${line.action}`, { file });
  }
  const gone = Object.keys(line.settings).length === 0 && entry?.createdSettings === true;
  if (gone) note(context, "settingsRemoved", { file });
  addSettingsChange(
    context,
    before,
    gone ? undefined : line.settings,
    gone ? "install had created it, and nothing else is left in it" : "our hooks taken out",
  );
}

/** The other workspace settings file, when it still runs our hooks. */
function stillInstalledIn(context: PlanContext): string | undefined {
  const other = context.scope === "local" ? "project" : "local";
  const path = settingsPath(other, context.plan.workspace);
  const file = readSettings(path);
  if (file.state !== "ok") return undefined;
  const found = SESSION_HOOK_EVENTS.some((event) =>
    findOurHooks(file.value, event, context.prefixes).length > 0
  );
  return found ? path : undefined;
}

function planSlashCommand(context: PlanContext, inUseBy: string | undefined): void {
  const { plan, commands } = context;
  const path = slashCommandPath(plan.workspace, SLASH_COMMAND_NAME);
  const values = { file: shownPath(context, path), prefix: plan.prefix };
  const why = "the /agnes-private slash command";
  const file = readSmallFile(path);
  if (file.state === "missing") {
    if (plan.uninstall) return;
    addChange(context, { path, before: undefined, after: slashCommandText(commands), why });
    return note(context, "slashCommand.written", values);
  }
  if (file.state === "unreadable") return note(context, "slashCommandKept.unreadable", values);
  const owner = slashCommandOwner(file.text, context.prefixes.map(ourCommands));
  if (owner !== "ours") return note(context, `slashCommandKept.${owner}`, values);
  if (plan.uninstall && inUseBy !== undefined) {
    return note(context, "slashCommandKept.inUse", {
      ...values,
      other: shownPath(context, inUseBy),
    });
  }
  const after = plan.uninstall ? undefined : slashCommandText(commands);
  if (file.text === after) return note(context, "slashCommand.unchanged", values);
  addChange(context, { path, before: file.text, after, why, removeEmptyFolder: plan.uninstall });
  note(context, plan.uninstall ? "slashCommand.removed" : "slashCommand.updated", values);
}

function planGitExclude(context: PlanContext): void {
  const target = findGitExclude(context.plan.workspace, ".claude/settings.local.json");
  if (target.state === "no-repository") return;
  const file = shownPath(context, settingsPath("local", context.plan.workspace));
  if (target.state === "skipped") return note(context, "git.skipped", { file, ...target });
  const exclude = readSmallFile(target.excludePath);
  if (exclude.state === "unreadable") {
    return note(context, "git.skipped", { file, reason: exclude.problem });
  }
  const after = withExcludeLine(textWhenRead(exclude), target.line);
  const values = { exclude: target.excludePath, line: target.line };
  if (after === undefined) return note(context, "git.present", values);
  const why = `"${target.line}" keeps your own settings out of git`;
  addChange(context, { path: target.excludePath, before: textWhenRead(exclude), after, why });
  note(context, "git.added", values);
}

/** Says that the Python tool's hooks are installed too, and what the two tools share. */
function notePython(context: PlanContext, workspace: Workspace): void {
  const python = inspectInstallation(workspace).python;
  if (python.generation === null) return;
  const byFile = new Map<string, string[]>();
  for (const event of SESSION_HOOK_EVENTS) {
    for (const hook of python.hooks[event]) {
      const parts = byFile.get(hook.path) ?? [];
      byFile.set(hook.path, [...parts, `${event}: agnes ${pythonSubcommand(hook.command)}`]);
    }
  }
  const parts = [...byFile].map(([path, found]) =>
    `${shownPath(context, path)}: ${[...new Set(found)].join(", ")}`
  );
  note(context, `python.${python.generation}`, { parts: parts.join("; ") });
}

/**
 * Plans `install`, or `install --uninstall`: every file to change, and what
 * to say about it.
 *
 * @throws {Error} when the workspace is not a folder, or the settings file
 * cannot be read, is not a JSON object (install without `force`, or
 * uninstall) or has a `hooks` of the wrong shape.
 */
export function planInstallation(options: PlanOptions): Plan {
  const workspace = options.workspace.root;
  const uninstall = options.uninstall;
  assertWorkspaceFolder(workspace, uninstall ? "uninstall from" : "install into");
  const scope: InstallScope = options.shared ? "project" : "local";
  const recordPath = installRecordPath(workspace);
  const recordText = textWhenRead(readSmallFile(recordPath));
  const record = parseInstallRecord(recordText);
  const given = options.command === undefined ? [] : [options.command];
  const prefix = options.command ?? (uninstall ? record[scope]?.command : undefined) ??
    DEFAULT_COMMAND;
  const context: PlanContext = {
    plan: { uninstall, workspace, prefix, changes: [], notes: [] },
    scope,
    prefixes: recognisedPrefixes([...given, ...recordedCommands(record)]),
    commands: ourCommands(prefix),
  };
  let recordAfter: InstallRecord;
  let created = false;
  if (uninstall) {
    uninstallSettings(context, options, record[scope]);
    planSlashCommand(context, stillInstalledIn(context));
    const { [scope]: _gone, ...rest } = record;
    recordAfter = rest;
  } else {
    const settings = installSettings(context, options, record[scope]);
    created = settings.created;
    planSlashCommand(context, undefined);
    recordAfter = { ...record, [scope]: settings.entry };
  }
  const why = "the install record: the command hooks run, for later runs and --uninstall";
  addChange(context, {
    path: recordPath,
    before: recordText,
    after: formatInstallRecord(recordAfter),
    why,
  });
  if (!uninstall && scope === "local" && created) planGitExclude(context);
  if (!uninstall) notePython(context, options.workspace);
  return context.plan;
}
