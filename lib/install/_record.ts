/**
 * The install record `W/.claude/agnes-sessions-install.json`: per settings
 * file install wrote, the command it used (so the next run and `--uninstall`
 * recognise entries written with an older `--command`), whether install
 * created that file (so `--uninstall` may remove it once empty), and the
 * status line `--statusline replace` replaced (restored by `--uninstall`). It
 * holds no time stamps, so a second install leaves it byte-identical.
 *
 * @module
 */

import { isJsonObject } from "../claude/settings.ts";
import { joinPath } from "../fs/path.ts";
import { formatJson } from "./files.ts";

/** The record's file name in `W/.claude/`. */
export const INSTALL_RECORD_FILE = "agnes-sessions-install.json";

/** Which settings file install writes: `local` (default) or `project` (`--shared`). */
export type InstallScope = "project" | "local";

/** What install recorded about one settings file. */
export interface ScopeRecord {
  /** The `--command` hooks run. */
  command: string;
  /** Whether install created the settings file. */
  createdSettings: boolean;
  /** The status line `--statusline replace` replaced, when it did. */
  statusLineBackup?: { value: unknown };
}

/** The install record: one entry per settings file install wrote. */
export type InstallRecord = { [scope in InstallScope]?: ScopeRecord };

const ABOUT =
  "Written by agnes-sessions install: how the hooks below were installed, for install --uninstall and status.";

/** The record's path for the workspace folder `root`. */
export function installRecordPath(root: string): string {
  return joinPath(root, ".claude", INSTALL_RECORD_FILE);
}

function parseScope(value: unknown): ScopeRecord | undefined {
  if (!isJsonObject(value) || typeof value.command !== "string") return undefined;
  return {
    command: value.command,
    createdSettings: value.createdSettings === true,
    ...("statusLineBackup" in value ? { statusLineBackup: { value: value.statusLineBackup } } : {}),
  };
}

/**
 * Parses the record's text; a missing or unreadable record is empty (it only
 * widens what is recognised as ours).
 */
export function parseInstallRecord(text: string | undefined): InstallRecord {
  let value: unknown;
  try {
    value = JSON.parse(text ?? "{}");
  } catch {
    return {};
  }
  if (!isJsonObject(value)) return {};
  const record: InstallRecord = {};
  for (const scope of ["project", "local"] as const) {
    const entry = parseScope(value[scope]);
    if (entry !== undefined) record[scope] = entry;
  }
  return record;
}

/** The record's text, or `undefined` when it records nothing (the file goes). */
export function formatInstallRecord(record: InstallRecord): string | undefined {
  const scopes = (["project", "local"] as const).filter((scope) => record[scope] !== undefined);
  if (scopes.length === 0) return undefined;
  const value: Record<string, unknown> = { about: ABOUT };
  for (const scope of scopes) {
    const { command, createdSettings, statusLineBackup } = record[scope]!;
    value[scope] = {
      command,
      createdSettings,
      ...(statusLineBackup === undefined ? {} : { statusLineBackup: statusLineBackup.value }),
    };
  }
  return formatJson(value);
}

/** The commands the record names, for recognising our entries. */
export function recordedCommands(record: InstallRecord): string[] {
  return (["local", "project"] as const).flatMap((scope) => record[scope]?.command ?? []);
}
