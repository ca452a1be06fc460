/**
 * What install and uninstall say: one sentence per note of a plan, from a
 * table whose `{name}` slots the note's values fill, then what to run next.
 *
 * @module
 */

import { pythonSubcommand, SESSION_END_TIMEOUT_SECONDS } from "./commands.ts";
import { relativeToWorkspace } from "./files.ts";
import type { Installation } from "./inspect.ts";
import { INSTALL_RECORD_FILE } from "./_install_record.ts";
import { statusLineCommand, type StatusLineDecision } from "./status_line.ts";

/** One thing a run does or finds: the key of its sentence, and the values of its slots. */
export type Note = { say: SentenceKey } & Record<string, string>;

/** What this tool shares with each generation of the Python `agnes` tool found. */
export const PYTHON_SHARED = {
  queue: "the queue, the private list and the locks",
  scan: "the uploaded log, the private list and the push lock",
} as const;

/** What each of our hooks does, said after its command. */
const HOOK_ROLES: Record<string, string> = {
  SessionStart: ": it queues the session's transcript and prints nothing",
  SessionEnd:
    ` (in the background, timeout ${SESSION_END_TIMEOUT_SECONDS} s): Claude Code exits without waiting for it; it queues the session, then starts the upload`,
};

/** Every sentence a run may say, by the key a plan's note names. */
export const SENTENCES = {
  "settingsRebuilt": "Backed up {file} (it is {problem}) as {backup}, and rebuilt it.",
  "settingsCreated.local": "Created {file} (your own settings, not committed).",
  "settingsCreated.project": "Created {file} (the project's shared settings, committed).",
  "settingsRemoved": "Removed {file}: install had created it, and nothing else is left in it.",
  "hook.added": '{event} hook: added "{command}" to {file}{role}.',
  "hook.updated": '{event} hook: replaced our earlier entry with "{command}"{role}.',
  "hook.unchanged": '{event} hook: "{command}" is already in {file}.',
  "hook.in-mixed-entry":
    '{event} hook: an entry of {file} that also runs other commands already runs "{command}"; kept as it is.',
  "hook.removed": '{event} hook: removed "{command}" from {file}.',
  "noHooks": "No hooks of ours in {file}.",
  "mixedKept": "Entries of {file} that mix our command with others, kept as they are: {count}.",
  "mixedKeptOnUninstall":
    "Entries of {file} that mix our command with others, kept (edit them by hand to take ours out): {count}.",
  "statusLineSet":
    'Status line: set "{prefix} statusline" in {file}, since no settings level sets one; it shows a lock in a private session.',
  "statusLineSetOverriding":
    'Status line: set "{prefix} statusline" in {file}, which Claude Code shows instead of the one in {hidden} (left as it is; install --uninstall takes ours out again).',
  "statusLineAlreadySet": 'Status line: ours ("{prefix} statusline") is already set in {file}.',
  "statusLineReplaced":
    `Status line: replaced {previous} in {file} with "{prefix} statusline"; the old one is kept in .claude/${INSTALL_RECORD_FILE}, and install --uninstall puts it back.`,
  "statusLineShadowed":
    "  Note: {shadow} sets a status line of its own, which Claude Code shows instead (a later settings level wins).",
  "statusLineKept.python":
    'Status line: kept the Python agnes tool\'s ("agnes statusline", in {where}): it shows the same lock, from the same private list.',
  "statusLineKept.unknown":
    'Status line: could not read {where}{problem}, which may set one, so ours was not set; run "{prefix} install --statusline replace" to set it in {file}.',
  "statusLineKept.foreign": [
    "Status line: kept the one set in {where} ({value}); Claude Code shows one status line.",
    '  To show the private-session lock in it, print the line of "{prefix} statusline" (given the same JSON on stdin) as a segment of yours, e.g. in a shell script:',
    "    input=$(cat)",
    `    printf '%s %s\\n' "$(printf '%s' "$input" | {command})" "$(printf '%s' "$input" | {prefix} statusline)"`,
    '  Or run "{prefix} install --statusline replace" to use ours instead (yours is kept, and install --uninstall puts it back).',
  ].join("\n"),
  "statusLine.removed": "Status line: removed ours from {file}.",
  "statusLine.restored": "Status line: put back the one install had replaced.",
  "statusLine.kept": "Status line: kept the one in {file}: it is not ours.",
  "statusLineKeptWithBackup":
    "Status line: kept the one in {file}: it is not ours. The one install had replaced was {backup}.",
  "slashCommand.written":
    "Slash command: wrote /agnes-private ({slash}); type it in Claude Code to keep a session from being uploaded.",
  "slashCommand.updated":
    'Slash command: updated /agnes-private ({slash}) to run "{prefix} mark-private".',
  "slashCommand.unchanged": "Slash command: /agnes-private ({slash}) is already ours, unchanged.",
  "slashCommand.removed": "Slash command: removed /agnes-private ({slash}).",
  "slashCommandKept.python":
    'Slash command: kept {slash}, the Python agnes tool\'s /agnes-private ("agnes mark-private"); it marks the same private list.',
  "slashCommandKept.modified":
    "Slash command: kept {slash}: it was changed since install wrote it.",
  "slashCommandKept.foreign":
    'Slash command: kept {slash}: it is not ours; "{prefix} mark-private" marks a session private too.',
  "slashCommandKept.unreadable":
    "Slash command: kept {slash}: it is not a regular file that can be read.",
  "slashCommandKept.inUse": "Slash command: kept {slash}: {other} still runs our hooks.",
  "git.skipped": "Git: did not exclude {file} ({reason}).",
  "git.present": 'Git: {exclude} already excludes "{line}".',
  "git.added": 'Git: added "{line}" to {exclude}, so git never offers to commit your own settings.',
  "python.queue":
    `The Python agnes tool is installed too ({parts}): both tools queue and upload this workspace's sessions, sharing ${PYTHON_SHARED.queue} safely.`,
  "python.scan":
    `The Python agnes tool is installed too ({parts}): both tools upload this workspace's sessions, sharing ${PYTHON_SHARED.scan} safely.`,
  "nothingToChange": "Nothing to change: everything install writes is already in place.",
  "nothingToRemove": "Nothing to remove.",
  "nextAfterInstall":
    'Next: run "{prefix} status" to check the setup (and "{prefix} login --server URL" once, if you have not).',
  "nextAfterUninstall":
    'Queued sessions stay in .claude/; run "{prefix} push" to upload them, or "{prefix} install" to wire the workspace again.',
} as const;

/** A sentence a plan's note may name. */
export type SentenceKey = keyof typeof SENTENCES;

/** `template` with each `{name}` replaced by its value (empty when there is none). */
function fillSlots(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? "");
}

/** A status-line value in a sentence: its command in quotes, else its JSON. */
export function describeStatusLine(value: unknown): string {
  const command = statusLineCommand(value);
  return command === undefined ? JSON.stringify(value) : `"${command}"`;
}

/** The notes on install's status-line `decision`; `already`: ours is set as it will be written. */
export function statusLineNotes(
  decision: StatusLineDecision,
  already: boolean,
  workspace: string,
): Note[] {
  const where = ({ path }: { path: string }) => relativeToWorkspace(workspace, path);
  if (decision.action === "keep") {
    const file = decision.level.file;
    return [{
      say: `statusLineKept.${decision.owner}` as SentenceKey,
      where: where(decision.level),
      value: describeStatusLine(decision.value),
      command: statusLineCommand(decision.value) ?? "your-command",
      problem: "problem" in file ? ` (${file.problem})` : "",
    }];
  }
  const notes: Note[] = [
    decision.action === "replace"
      ? { say: "statusLineReplaced", previous: describeStatusLine(decision.previous) }
      : decision.overrides !== undefined
      ? { say: "statusLineSetOverriding", hidden: where(decision.overrides) }
      : { say: already ? "statusLineAlreadySet" : "statusLineSet" },
  ];
  const shadow = decision.shadowedBy;
  if (shadow !== undefined) notes.push({ say: "statusLineShadowed", shadow: where(shadow) });
  return notes;
}

/** The note that the Python tool's hooks are installed too, if they are, naming them per file. */
export function pythonNotes(python: Installation["python"], workspace: string): Note[] {
  if (python.generation === null) return [];
  const byFile = new Map<string, Set<string>>();
  for (const [event, hooks] of Object.entries(python.hooks)) {
    for (const { path, command } of hooks) {
      const found = byFile.get(path) ?? new Set();
      byFile.set(path, found.add(`${event}: agnes ${pythonSubcommand(command)}`));
    }
  }
  const parts = [...byFile].map(([path, found]) =>
    `${relativeToWorkspace(workspace, path)}: ${[...found].join(", ")}`
  );
  return [{ say: `python.${python.generation}`, parts: parts.join("; ") }];
}

/** What a run of `plan` (`plan.ts`) prints once written: what it did, then what next. */
export function describeRun(plan: {
  uninstall: boolean;
  file: string;
  prefix: string;
  changes: readonly unknown[];
  notes: readonly Note[];
}): string[] {
  const defaults = { file: plan.file, prefix: plan.prefix };
  const lines = plan.notes.map((note) => {
    const role = HOOK_ROLES[note.event ?? ""] ?? "";
    return fillSlots(SENTENCES[note.say], { ...defaults, role, ...note });
  });
  if (plan.changes.length === 0) {
    lines.push(SENTENCES[plan.uninstall ? "nothingToRemove" : "nothingToChange"]);
  }
  const next = SENTENCES[plan.uninstall ? "nextAfterUninstall" : "nextAfterInstall"];
  return [...lines, fillSlots(next, defaults)];
}
