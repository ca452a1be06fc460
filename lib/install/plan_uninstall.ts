/**
 * `install --uninstall`, planned: takes out exactly what install added. Our
 * entries, and the containers that become empty by it, leave the settings
 * file (which goes when install created it and nothing else is left); the
 * status line only if it is ours, putting back the one install replaced; the
 * slash command only if unmodified and no other settings file still runs our
 * hooks; then the install record's entry. Everything else stays byte for
 * byte.
 *
 * @module
 */

import {
  readSettings,
  SESSION_HOOK_EVENTS,
  settingsPath,
  slashCommandPath,
} from "../claude/settings.ts";
import type { Workspace } from "../store/workspace.ts";
import { DEFAULT_COMMAND, ourCommands, recognisedPrefixes } from "./commands.ts";
import {
  assertWorkspaceFolder,
  type FileChange,
  readSmallFile,
  shortProblem,
  textOf,
} from "./files.ts";
import { findOurHooks, type HookChange, type HooksResult, removeOurHooks } from "./_hooks.ts";
import { formatJson, sameJson } from "./_json.ts";
import type { Plan, SlashCommandOutcome } from "./plan_install.ts";
import {
  formatInstallRecord,
  installRecordPath,
  type InstallScope,
  parseInstallRecord,
  recordedCommands,
  type ScopeRecord,
} from "./_record.ts";
import { SLASH_COMMAND_NAME, slashCommandOwner } from "./_slash_command.ts";
import { removeOurStatusLine, type StatusLineRemoval } from "./status_line.ts";

/** What `install --uninstall` is asked to do. */
export interface UninstallOptions {
  /** The workspace `W`. */
  workspace: Workspace;
  /** A `--command` given on this run, recognised besides the recorded ones. */
  command?: string;
  /** Uninstall from the committed `W/.claude/settings.json` instead of `settings.local.json`. */
  shared: boolean;
}

/** The report of a planned uninstall. */
export interface UninstallReport {
  /** The workspace folder. */
  workspace: string;
  /** How hooks ran this tool: `--command`, else the recorded one, else the default. */
  prefix: string;
  /** The settings file. */
  settingsPath: string;
  /** Which one it is. */
  scope: InstallScope;
  /** Whether the settings file goes (install created it and nothing else is left). */
  settingsRemoved: boolean;
  /** Our hooks taken out. */
  hooks: HookChange[];
  /** Entries mixing ours with foreign commands, kept. */
  mixedKept: number;
  /** The status line: removed, restored, kept (not ours), or none; with a backup not restored. */
  statusLine: { action: StatusLineRemoval; backup?: { value: unknown } };
  /** The slash command file and what happened to it. */
  slashCommand: { path: string; outcome: SlashCommandOutcome | { action: "missing" } };
  /** The settings file that still runs our hooks (why the slash command stays). */
  stillInstalledIn?: string;
}

/** The settings file's change, and what was taken out of it. */
interface SettingsPlan {
  change: FileChange[];
  hooks: HookChange[];
  mixedKept: number;
  statusLine: UninstallReport["statusLine"];
}

function planSettings(
  path: string,
  prefixes: readonly string[],
  entry: ScopeRecord | undefined,
): SettingsPlan {
  const file = readSettings(path);
  if (file.state === "missing") {
    return { change: [], hooks: [], mixedKept: 0, statusLine: { action: "none" } };
  }
  if (file.state !== "ok") {
    const problem = file.state === "invalid" ? `it is ${file.problem}` : shortProblem(file.problem);
    throw new Error(`Cannot uninstall from "${path}": ${problem}; fix or remove it by hand`);
  }
  let removed: HooksResult;
  try {
    removed = removeOurHooks(file.value, prefixes);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot uninstall from "${path}": ${problem}; fix it by hand`);
  }
  const backup = entry?.statusLineBackup;
  const line = removeOurStatusLine(removed.settings, prefixes, backup);
  // A file install created goes once nothing is left in it; unchanged ones keep their bytes.
  const after = Object.keys(line.settings).length === 0 && entry?.createdSettings
    ? undefined
    : sameJson(line.settings, file.value)
    ? file.text
    : formatJson(line.settings);
  const change: FileChange[] = after === file.text ? [] : [{ path, before: file.text, after }];
  const statusLine = line.action === "kept" && backup !== undefined
    ? { action: line.action, backup }
    : { action: line.action };
  return { change, hooks: removed.hooks, mixedKept: removed.mixedKept, statusLine };
}

/** The other workspace settings file, when it still runs our hooks. */
function stillInstalledIn(
  root: string,
  scope: InstallScope,
  prefixes: readonly string[],
): string | undefined {
  const other = settingsPath(scope === "local" ? "project" : "local", root);
  const file = readSettings(other);
  if (file.state !== "ok") return undefined;
  const found = SESSION_HOOK_EVENTS.some((event) =>
    findOurHooks(file.value, event, prefixes).length > 0
  );
  return found ? other : undefined;
}

function planSlashCommand(
  root: string,
  prefixes: readonly string[],
  keep: boolean,
): { change: FileChange[]; report: UninstallReport["slashCommand"] } {
  const path = slashCommandPath(root, SLASH_COMMAND_NAME);
  const file = readSmallFile(path);
  if (file.state === "missing") {
    return { change: [], report: { path, outcome: { action: "missing" } } };
  }
  if (file.state === "unreadable") {
    return { change: [], report: { path, outcome: { action: "kept", owner: "unreadable" } } };
  }
  const owner = slashCommandOwner(file.text, prefixes.map(ourCommands));
  if (owner !== "ours") return { change: [], report: { path, outcome: { action: "kept", owner } } };
  if (keep) return { change: [], report: { path, outcome: { action: "kept", owner: "in-use" } } };
  return {
    change: [{ path, before: file.text, after: undefined, removeEmptyFolder: true }],
    report: { path, outcome: { action: "removed" } },
  };
}

/**
 * Plans `install --uninstall`: every file to change and what to report.
 *
 * @throws {Error} when the workspace is not a folder, or the settings file
 * cannot be read or is not a JSON object.
 *
 * @example Nothing installed: nothing to change
 * ```ts
 * import { planUninstall } from "./plan_uninstall.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(planUninstall({ workspace, shared: false }).changes, []);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export function planUninstall(options: UninstallOptions): Plan<UninstallReport> {
  const root = options.workspace.root;
  assertWorkspaceFolder(root, "uninstall from");
  const scope: InstallScope = options.shared ? "project" : "local";
  const recordPath = installRecordPath(root);
  const recordText = textOf(readSmallFile(recordPath));
  const record = parseInstallRecord(recordText);
  const given = options.command === undefined ? [] : [options.command];
  const prefixes = recognisedPrefixes([...given, ...recordedCommands(record)]);
  const path = settingsPath(scope, root);
  const settings = planSettings(path, prefixes, record[scope]);
  const otherFile = stillInstalledIn(root, scope, prefixes);
  const slash = planSlashCommand(root, prefixes, otherFile !== undefined);
  const { [scope]: _gone, ...rest } = record;
  const recordAfter = formatInstallRecord(rest);
  const recordChange: FileChange[] = recordText === recordAfter
    ? []
    : [{ path: recordPath, before: recordText, after: recordAfter }];
  return {
    changes: [...settings.change, ...slash.change, ...recordChange],
    report: {
      workspace: root,
      prefix: options.command ?? record[scope]?.command ?? DEFAULT_COMMAND,
      settingsPath: path,
      scope,
      settingsRemoved: settings.change.some((change) => change.after === undefined),
      hooks: settings.hooks,
      mixedKept: settings.mixedKept,
      statusLine: settings.statusLine,
      slashCommand: slash.report,
      ...(otherFile === undefined ? {} : { stillInstalledIn: otherFile }),
    },
  };
}
