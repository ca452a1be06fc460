/**
 * The install record `W/.claude/agnes-sessions-install.json`: what install did per
 * settings file it wrote. No time stamps: a second install leaves it byte-identical.
 *
 * @module
 */

import { isJsonObject, parseSettings } from "../claude/settings.ts";
import { joinPath } from "../fs/path.ts";
import { formatJson } from "./files.ts";

/** The record's file name in `W/.claude/`. */
export const INSTALL_RECORD_FILE = "agnes-sessions-install.json";

/** Which settings file install writes: `local` (default) or `project` (`--shared`). */
export type InstallScope = "project" | "local";

/** What install recorded about one settings file. */
export interface ScopeRecord {
  /** The `--command` hooks run, so later runs recognise entries of an older one. */
  command: string;
  /** Whether install created the settings file (`--uninstall` removes it once empty). */
  createdSettings: boolean;
  /** The status line `--statusline replace` replaced, when it did (a JSON value, never `undefined`). */
  statusLineBackup?: unknown;
}

/** The install record: one entry per settings file install wrote. */
export type InstallRecord = { [scope in InstallScope]?: ScopeRecord };

const ABOUT =
  "Written by agnes-sessions install: how the hooks below were installed, for install --uninstall and status.";

/** The record's path for the workspace folder `root`. */
export function installRecordPath(root: string): string {
  return joinPath(root, ".claude", INSTALL_RECORD_FILE);
}

/** Parses the record's text; a missing or unreadable record is empty. */
export function parseInstallRecord(text: string | undefined): InstallRecord {
  const file = parseSettings(text ?? "{}");
  const record: InstallRecord = {};
  for (const scope of ["project", "local"] as const) {
    const entry = file.state === "ok" ? file.value[scope] : undefined;
    if (!isJsonObject(entry) || typeof entry.command !== "string") continue;
    const { command, createdSettings, statusLineBackup } = entry;
    const backup = statusLineBackup === undefined ? {} : { statusLineBackup };
    record[scope] = { command, createdSettings: createdSettings === true, ...backup };
  }
  return record;
}

/** The record's text, or `undefined` when it records nothing (the file goes). */
export function formatInstallRecord(record: InstallRecord): string | undefined {
  if (record.project === undefined && record.local === undefined) return undefined;
  return formatJson({ about: ABOUT, project: record.project, local: record.local });
}

/** The commands the record names, for recognising our entries. */
export function recordedCommands(record: InstallRecord): string[] {
  return (["local", "project"] as const).flatMap((scope) => record[scope]?.command ?? []);
}
