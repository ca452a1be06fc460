/**
 * The command strings install writes, and how they are recognised later: ours
 * by their exact prefix, the Python `agnes` tool's by its command names. A
 * command must mean the same in sh, Git Bash and PowerShell (Claude Code on
 * Windows runs hooks through either): a program and plain arguments only.
 *
 * @module
 */

import type { SessionHookEvent } from "../claude/settings.ts";

/** How hooks run this tool unless `--command` says otherwise: the compiled binary on `PATH`. */
export const DEFAULT_COMMAND = "agnes-sessions";

/** Command prefixes always recognised as ours, besides `--command` and the recorded one. */
const KNOWN_PREFIXES = [DEFAULT_COMMAND, "deno run -A jsr:@agnes/sessions"];

/** The SessionEnd `timeout` (s) where `async` is ignored: stdin may take 2 s, the lock 1 s. */
export const SESSION_END_TIMEOUT_SECONDS = 5;

/** The subcommands of ours that a settings file may run. */
const OUR_SUBCOMMANDS = new Set(["capture-session", "push", "statusline", "mark-private"]);

/** The Python tool's session hook subcommands per event (see `Installation.python.hooks`). */
export const PYTHON_HOOK_SUBCOMMANDS: Record<SessionHookEvent, readonly string[]> = {
  SessionStart: ["capture-session", "update"],
  SessionEnd: ["capture-session", "push"],
};

/** Characters that mean something to sh or PowerShell (or to YAML front matter). */
const SPECIAL = /["'`$\\|&;<>(){}[\]*?#~!,\p{Cc}]/u;

/** A checked `--command`: the canonical prefix, or what is wrong with it. */
export type PortableCommand =
  | { readonly ok: true; readonly command: string }
  | { readonly ok: false; readonly problem: string };

/** One word of a command as written (quoted when it has a comma), or what is wrong with it. */
function portableWord(word: string, first: boolean): PortableCommand {
  const fail = (problem: string) => ({ ok: false, problem }) as const;
  const quote = word[0] === '"' || word[0] === "'" ? word[0] : undefined;
  if (quote !== undefined) {
    if (first) return fail("the program must not be quoted (PowerShell would not run it)");
    const inner = word.slice(1, -1).replaceAll(",", "");
    if (word.length < 2 || !word.endsWith(quote) || SPECIAL.test(inner)) {
      return fail(`argument ${word} is not a plain quoted string`);
    }
    return { ok: true, command: word };
  }
  const bad = SPECIAL.exec(first ? word : word.replaceAll(",", ""));
  if (bad !== null) return fail(`"${bad[0]}" is read differently by sh and PowerShell`);
  if (word.startsWith("@")) return fail(`${word} starts with "@" (PowerShell splatting)`);
  if (first && word.includes("=")) {
    return fail(`${word} would be read as a variable assignment by sh`);
  }
  return { ok: true, command: word.includes(",") ? `"${word}"` : word };
}

/**
 * Checks a `--command` and returns it with single spaces between its words. An
 * argument may be quoted (e.g. a path with spaces); one with a comma (PowerShell's
 * array operator) comes back double-quoted.
 */
export function portableCommand(text: string): PortableCommand {
  const words = text.trim().match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? [];
  if (words.length === 0) return { ok: false, problem: "it is empty" };
  if (/[^\S ]/.test(text.trim().replace(/"[^"]*"|'[^']*'/g, ""))) {
    return { ok: false, problem: "words must be separated by spaces only" };
  }
  const checked = words.map((word, index) => portableWord(word, index === 0));
  const refused = checked.find((word) => !word.ok);
  if (refused !== undefined) return refused;
  return { ok: true, command: checked.map((word) => word.ok ? word.command : "").join(" ") };
}

/** The subcommand of ours that `command` runs, when it is one of `prefixes`, a space and one. */
export function ourSubcommand(command: string, prefixes: readonly string[]): string | undefined {
  const text = command.trim();
  for (const prefix of prefixes) {
    if (!text.startsWith(`${prefix} `)) continue;
    const subcommand = text.slice(prefix.length + 1).split(" ")[0]!;
    if (OUR_SUBCOMMANDS.has(subcommand)) return subcommand;
  }
  return undefined;
}

const PYTHON_COMMAND =
  /(?:^|[\s"'(;&|`])agnes (capture-session|update|push|statusline|mark-private)(?=$|[\s"'();&|`])/;

/** The Python `agnes` tool's session subcommand `command` runs first (also in `bash -c "…"`). */
export function pythonSubcommand(command: string): string | undefined {
  return PYTHON_COMMAND.exec(command)?.[1];
}

/** The prefixes to recognise as ours: the given ones, then the known ones, without repeats. */
export function recognisedPrefixes(given: readonly string[]): string[] {
  return [...new Set([...given, ...KNOWN_PREFIXES])];
}
