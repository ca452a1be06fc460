/**
 * What install and uninstall say: plain sentences from a plan's report
 * (which file, which entries, the status-line decision, the slash command,
 * git's exclude file, the Python tool), in the past tense, or in the
 * conditional for `--dry-run`, ending with what to run next.
 *
 * @module
 */

import { SESSION_END_TIMEOUT_SECONDS } from "./commands.ts";
import type { HookChange } from "./_hooks.ts";
import type { InstallReport, Plan } from "./plan_install.ts";
import type { UninstallReport } from "./plan_uninstall.ts";
import { INSTALL_RECORD_FILE } from "./_record.ts";
import { statusLineCommand, type StatusLineDecision } from "./status_line.ts";

/** Picks the past tense, or the conditional in a dry run. */
type Tense = (past: string, conditional: string) => string;

function tense(dryRun: boolean): Tense {
  return (past, conditional) => dryRun ? conditional : past;
}

/** A path inside the workspace relative to it (`.claude/settings.local.json`), else as is. */
function shown(workspace: string, path: string): string {
  return path.startsWith(`${workspace}/`) || path.startsWith(`${workspace}\\`)
    ? path.slice(workspace.length + 1)
    : path;
}

/** A status-line value in a sentence: its command in quotes, else its JSON. */
function describeStatusLine(value: unknown): string {
  const command = statusLineCommand(value);
  return command === undefined ? JSON.stringify(value) : `"${command}"`;
}

function hookSentence(hook: HookChange, file: string, did: Tense): string {
  const what = hook.event === "SessionEnd"
    ? ` (timeout ${SESSION_END_TIMEOUT_SECONDS} s): it queues the session, then starts the upload in the background and returns at once`
    : ": it queues the session's transcript and prints nothing";
  switch (hook.action) {
    case "added":
      return `${hook.event} hook: ${
        did("added", "would add")
      } "${hook.command}" to ${file}${what}.`;
    case "updated":
      return `${hook.event} hook: ${
        did("replaced our earlier entry with", "would replace our earlier entry with")
      } "${hook.command}"${what}.`;
    case "unchanged":
      return `${hook.event} hook: "${hook.command}" is already in ${file}.`;
    case "in-mixed-entry":
      return `${hook.event} hook: an entry of ${file} that also runs other commands already runs "${hook.command}"; kept as it is.`;
    case "removed":
      return `${hook.event} hook: ${
        did("removed", "would remove")
      } "${hook.command}" from ${file}.`;
  }
}

function foreignStatusLineAdvice(command: string, prefix: string): string[] {
  return [
    `  To show the private-session lock in it, print the line of "${prefix} statusline" (given the same JSON on stdin) as a segment of yours, e.g. in a shell script:`,
    `    input=$(cat)`,
    `    printf '%s %s\\n' "$(printf '%s' "$input" | ${command})" "$(printf '%s' "$input" | ${prefix} statusline)"`,
    `  Or run "${prefix} install --statusline replace" to use ours instead (yours is kept, and install --uninstall puts it back).`,
  ];
}

function statusLineSentences(report: InstallReport, did: Tense): string[] {
  const decision = report.statusLine;
  const file = shown(report.workspace, report.settingsPath);
  const ours = report.commands.statusLine;
  const shadow = "shadowedBy" in decision && decision.shadowedBy !== undefined
    ? [
      `  Note: ${
        shown(report.workspace, decision.shadowedBy.path)
      } sets a status line of its own, which Claude Code shows instead (a later settings level wins).`,
    ]
    : [];
  switch (decision.action) {
    case "set":
      if (decision.unchanged) {
        return [`Status line: ours ("${ours}") is already set in ${file}.`, ...shadow];
      }
      if (decision.overrides !== undefined) {
        const hidden = shown(report.workspace, decision.overrides.path);
        return [
          `Status line: ${
            did("set", "would set")
          } "${ours}" in ${file}, which Claude Code shows instead of the one in ${hidden} (left as it is; install --uninstall takes ours out again).`,
          ...shadow,
        ];
      }
      return [
        `Status line: ${
          did("set", "would set")
        } "${ours}" in ${file}, since no settings level sets one; it shows a lock in a private session.`,
        ...shadow,
      ];
    case "replace":
      return [
        `Status line: ${did("replaced", "would replace")} ${
          describeStatusLine(decision.previous)
        } in ${file} with "${ours}"; the old one is kept in .claude/${INSTALL_RECORD_FILE}, and install --uninstall puts it back.`,
        ...shadow,
      ];
    case "keep":
      return keptStatusLineSentences(report, decision);
  }
}

/** Why install left a status line that is not ours, and what to do about it. */
function keptStatusLineSentences(
  report: InstallReport,
  decision: Extract<StatusLineDecision, { action: "keep" }>,
): string[] {
  const where = shown(report.workspace, decision.level.path);
  const prefix = report.commands.prefix;
  if (decision.owner === "python") {
    return [
      `Status line: kept the Python agnes tool's ("agnes statusline", in ${where}): it shows the same lock, from the same private list.`,
    ];
  }
  if (decision.owner === "unknown") {
    const problem = "problem" in decision.level.file ? ` (${decision.level.file.problem})` : "";
    const file = shown(report.workspace, report.settingsPath);
    return [
      `Status line: could not read ${where}${problem}, which may set one, so ours was not set; run "${prefix} install --statusline replace" to set it in ${file}.`,
    ];
  }
  return [
    `Status line: kept the one set in ${where} (${
      describeStatusLine(decision.value)
    }); Claude Code shows one status line.`,
    ...foreignStatusLineAdvice(statusLineCommand(decision.value) ?? "your-command", prefix),
  ];
}

function slashSentence(
  report: InstallReport | UninstallReport,
  prefix: string,
  did: Tense,
): string[] {
  const { path, outcome } = report.slashCommand;
  const file = shown(report.workspace, path);
  switch (outcome.action) {
    case "written":
      return [
        `Slash command: ${
          did("wrote", "would write")
        } /agnes-private (${file}); type it in Claude Code to keep a session from being uploaded.`,
      ];
    case "updated":
      return [
        `Slash command: ${
          did("updated", "would update")
        } /agnes-private (${file}) to run "${prefix} mark-private".`,
      ];
    case "unchanged":
      return [`Slash command: /agnes-private (${file}) is already ours, unchanged.`];
    case "removed":
      return [`Slash command: ${did("removed", "would remove")} /agnes-private (${file}).`];
    case "missing":
      return [];
    case "kept":
      switch (outcome.owner) {
        case "python":
          return [
            `Slash command: kept ${file}, the Python agnes tool's /agnes-private ("agnes mark-private"); it marks the same private list.`,
          ];
        case "modified":
          return [`Slash command: kept ${file}: it was changed since install wrote it.`];
        case "foreign":
          return [
            `Slash command: kept ${file}: it is not ours; "${prefix} mark-private" marks a session private too.`,
          ];
        case "unreadable":
          return [`Slash command: kept ${file}: it is not a regular file that can be read.`];
        case "in-use":
          return [
            `Slash command: kept ${file}: ${
              shown(report.workspace, (report as UninstallReport).stillInstalledIn ?? "")
            } still runs our hooks.`,
          ];
      }
  }
}

function gitSentence(report: InstallReport, did: Tense): string[] {
  const exclude = report.gitExclude;
  if (exclude === undefined) return [];
  if (exclude.state === "skipped") {
    return [
      `Git: did not exclude ${shown(report.workspace, report.settingsPath)} (${exclude.reason}).`,
    ];
  }
  if (exclude.state === "present") {
    return [`Git: ${exclude.excludePath} already excludes "${exclude.line}".`];
  }
  return [
    `Git: ${
      did("added", "would add")
    } "${exclude.line}" to ${exclude.excludePath}, so git never offers to commit your own settings.`,
  ];
}

/**
 * The sentences install prints for `plan`, ending with what to run next.
 *
 * @example Describe a dry run into a fresh workspace
 * ```ts
 * import { describeInstall } from "./report.ts";
 * import { planInstall } from "./plan_install.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("CLAUDE_CONFIG_DIR", await Deno.makeTempDir());
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const plan = planInstall({ workspace, command: "agnes-sessions", shared: false, statusLine: "keep", force: false });
 * const lines = describeInstall(plan, true);
 * deepStrictEqual(lines[0], "Would create .claude/settings.local.json (your own settings, not committed).");
 * deepStrictEqual(lines.at(-1)?.startsWith('Next: run "agnes-sessions status"'), true);
 * await Deno.remove(workspace.root, { recursive: true });
 * await Deno.remove(Deno.env.get("CLAUDE_CONFIG_DIR")!, { recursive: true });
 * Deno.env.delete("CLAUDE_CONFIG_DIR");
 * ```
 */
export function describeInstall(plan: Plan<InstallReport>, dryRun: boolean): string[] {
  const report = plan.report;
  const did = tense(dryRun);
  const file = shown(report.workspace, report.settingsPath);
  const kind = report.scope === "local"
    ? "your own settings, not committed"
    : "the project's shared settings, committed";
  const lines: string[] = [];
  if (report.corruptBackup) {
    lines.push(
      `${did("Backed up", "Would back up")} ${file} (it is ${report.corruptBackup.problem}) as ${
        shown(report.workspace, report.corruptBackup.path)
      }, and ${did("rebuilt", "rebuild")} it.`,
    );
  }
  if (report.createdSettings) lines.push(`${did("Created", "Would create")} ${file} (${kind}).`);
  lines.push(...report.hooks.map((hook) => hookSentence(hook, file, did)));
  if (report.mixedKept > 0) {
    lines.push(
      `Kept ${
        report.mixedKept === 1 ? "1 entry" : `${report.mixedKept} entries`
      } of ${file} that mix our command with others, as ${
        report.mixedKept === 1 ? "it is" : "they are"
      }.`,
    );
  }
  lines.push(...statusLineSentences(report, did));
  lines.push(...slashSentence(report, report.commands.prefix, did));
  lines.push(...gitSentence(report, did));
  for (const part of report.python) {
    lines.push(
      `The Python agnes tool is installed too (${shown(report.workspace, part.path)}: ${
        part.parts.join(", ")
      }): both tools queue and upload this workspace's sessions, sharing the queue, the private list and the locks safely.`,
    );
  }
  const prefix = report.commands.prefix;
  if (plan.changes.length === 0) {
    lines.push("Nothing to change: everything install writes is already in place.");
  }
  if (dryRun) {
    lines.push(
      "Dry run: nothing was written; run it again without --dry-run to make these changes.",
    );
  }
  lines.push(
    `Next: run "${prefix} status" to check the setup (and "${prefix} login --server URL" once, if you have not).`,
  );
  return lines;
}

/**
 * The sentences `install --uninstall` prints for `plan`.
 *
 * @example Nothing installed: nothing to remove
 * ```ts
 * import { describeUninstall } from "./report.ts";
 * import { planUninstall } from "./plan_uninstall.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { ok } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const lines = describeUninstall(planUninstall({ workspace, shared: false }), false);
 * ok(lines.includes("Nothing to remove."));
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export function describeUninstall(plan: Plan<UninstallReport>, dryRun: boolean): string[] {
  const report = plan.report;
  const prefix = report.prefix;
  const did = tense(dryRun);
  const file = shown(report.workspace, report.settingsPath);
  const lines = report.hooks.map((hook) => hookSentence(hook, file, did));
  if (report.hooks.length === 0) lines.push(`No hooks of ours in ${file}.`);
  if (report.mixedKept > 0) {
    lines.push(
      `Kept ${
        report.mixedKept === 1 ? "1 entry" : `${report.mixedKept} entries`
      } of ${file} that mix our command with others; edit ${
        report.mixedKept === 1 ? "it" : "them"
      } by hand to take ours out.`,
    );
  }
  const { action, backup } = report.statusLine;
  if (action === "removed") {
    lines.push(`Status line: ${did("removed ours", "would remove ours")} from ${file}.`);
  }
  if (action === "restored") {
    lines.push(`Status line: ${did("put back", "would put back")} the one install had replaced.`);
  }
  if (action === "kept") {
    lines.push(
      `Status line: kept the one in ${file}: it is not ours.${
        backup === undefined
          ? ""
          : ` The one install had replaced was ${describeStatusLine(backup.value)}.`
      }`,
    );
  }
  if (report.settingsRemoved) {
    lines.push(
      `${
        did("Removed", "Would remove")
      } ${file}: install had created it, and nothing else is left in it.`,
    );
  }
  lines.push(...slashSentence(report, prefix, did));
  if (plan.changes.length === 0) lines.push("Nothing to remove.");
  if (dryRun) {
    lines.push(
      "Dry run: nothing was written; run it again without --dry-run to make these changes.",
    );
  }
  lines.push(
    `Queued sessions stay in .claude/; run "${prefix} push" to upload them, or "${prefix} install" to wire the workspace again.`,
  );
  return lines;
}
