/**
 * The command strings install writes into Claude Code's settings, and how
 * they are recognised later: ours by their exact command prefix (never a
 * loose substring), the Python `agnes` tool's by its own command names.
 *
 * A command string must mean the same in sh, Git Bash and PowerShell (Claude
 * Code on Windows runs hooks through either), so it is a program and its
 * arguments only: no quoting of the program, no `$`, backquote, backslash,
 * redirection, pipe, `;`, `&`, glob or comment characters.
 *
 * @module
 */

/** How hooks run this tool unless `--command` says otherwise: the compiled binary on `PATH`. */
export const DEFAULT_COMMAND = "agnes-sessions";

/** Command prefixes always recognised as ours, besides `--command` and the recorded one. */
export const KNOWN_PREFIXES: readonly string[] = [
  DEFAULT_COMMAND,
  "deno run -A jsr:@agnes/sessions",
];

/**
 * The SessionEnd hook's `timeout` in seconds. Claude Code gives all SessionEnd
 * hooks 1.5 s unless one sets more; a capture may wait about 2 s for stdin and
 * 1 s for the queue lock, and the push it starts runs detached.
 */
export const SESSION_END_TIMEOUT_SECONDS = 5;

/** The subcommands of ours that a settings file may run. */
const OUR_SUBCOMMANDS = new Set(["capture-session", "push", "statusline", "mark-private"]);

/** Characters that mean something to sh or PowerShell (or to YAML front matter). */
const SPECIAL = /["'`$\\|&;<>(){}[\]*?#~!,\p{Cc}]/u;

/** The command strings install writes, all starting with one prefix. */
export interface OurCommands {
  /** The prefix, e.g. `agnes-sessions`. */
  prefix: string;
  /** The SessionStart hook. */
  sessionStart: string;
  /** The SessionEnd hook: capture, then start a detached push. */
  sessionEnd: string;
  /** The statusLine command. */
  statusLine: string;
  /** The start of the slash command's mark-private call. */
  markPrivate: string;
}

/**
 * The commands for `prefix`.
 *
 * @example
 * ```ts
 * import { ourCommands } from "./commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(ourCommands("agnes-sessions").sessionEnd, "agnes-sessions capture-session --push");
 * ```
 */
export function ourCommands(prefix: string): OurCommands {
  return {
    prefix,
    sessionStart: `${prefix} capture-session`,
    sessionEnd: `${prefix} capture-session --push`,
    statusLine: `${prefix} statusline`,
    markPrivate: `${prefix} mark-private`,
  };
}

/** A checked `--command`: the canonical prefix, or what is wrong with it. */
export type PortableCommand =
  | { readonly ok: true; readonly command: string }
  | { readonly ok: false; readonly problem: string };

/** Checks one word of a command; `first` is the program. */
function wordProblem(word: string, first: boolean): string | undefined {
  const quote = word[0] === '"' || word[0] === "'" ? word[0] : undefined;
  if (quote !== undefined) {
    if (first) return "the program must not be quoted (PowerShell would not run it)";
    const inner = word.slice(1, -1);
    if (word.length < 2 || !word.endsWith(quote) || SPECIAL.test(inner)) {
      return `argument ${word} is not a plain quoted string`;
    }
    return undefined;
  }
  const bad = SPECIAL.exec(word);
  if (bad !== null) return `"${bad[0]}" is read differently by sh and PowerShell`;
  if (word.startsWith("@")) return `${word} starts with "@" (PowerShell splatting)`;
  if (first && word.includes("=")) return `${word} would be read as a variable assignment by sh`;
  return undefined;
}

/**
 * Checks a `--command` value and returns it with single spaces between its
 * words. Words are split at spaces; an argument (not the program) may be a
 * quoted string without special characters, e.g. a path with spaces.
 *
 * @example
 * ```ts
 * import { portableCommand } from "./commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(portableCommand("  deno run -A  jsr:@agnes/sessions "), {
 *   ok: true,
 *   command: "deno run -A jsr:@agnes/sessions",
 * });
 * deepStrictEqual(portableCommand('bash -c "agnes-sessions || true"').ok, false);
 * ```
 */
export function portableCommand(text: string): PortableCommand {
  const words = text.trim().match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? [];
  if (words.length === 0) return { ok: false, problem: "it is empty" };
  if (/[^\S ]/.test(text.trim().replace(/"[^"]*"|'[^']*'/g, ""))) {
    return { ok: false, problem: "words must be separated by spaces only" };
  }
  for (const [index, word] of words.entries()) {
    const problem = wordProblem(word, index === 0);
    if (problem !== undefined) return { ok: false, problem };
  }
  return { ok: true, command: words.join(" ") };
}

/**
 * The subcommand of ours that `command` runs (`capture-session`, `push`,
 * `statusline`, `mark-private`), when it is one of the `prefixes` followed by
 * a space and that subcommand; else `undefined`.
 *
 * @example
 * ```ts
 * import { ourSubcommand } from "./commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(ourSubcommand("agnes-sessions capture-session --push", ["agnes-sessions"]), "capture-session");
 * deepStrictEqual(ourSubcommand("agnes-sessions-old capture-session", ["agnes-sessions"]), undefined);
 * deepStrictEqual(ourSubcommand('bash -c "agnes capture-session"', ["agnes-sessions"]), undefined);
 * ```
 */
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
  /(?:^|[\s"'(;&|`])agnes (capture-session|push|statusline|mark-private)(?=$|[\s"'();&|`])/;

/**
 * The session subcommand of the Python `agnes` tool that `command` runs, e.g.
 * `capture-session` for `bash -c "agnes capture-session 2>/dev/null || true"`;
 * else `undefined`.
 *
 * @example
 * ```ts
 * import { pythonSubcommand } from "./commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(pythonSubcommand('bash -c "( nohup agnes push --quiet & ) ; true"'), "push");
 * deepStrictEqual(pythonSubcommand("agnes-sessions capture-session"), undefined);
 * ```
 */
export function pythonSubcommand(command: string): string | undefined {
  return PYTHON_COMMAND.exec(command)?.[1];
}

/**
 * The prefixes to recognise as ours: the given ones first (this run's
 * `--command`, the recorded ones), then {@linkcode KNOWN_PREFIXES}, without
 * repeats.
 *
 * @example
 * ```ts
 * import { recognisedPrefixes } from "./commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(recognisedPrefixes(["/opt/agnes-sessions", "agnes-sessions"]), [
 *   "/opt/agnes-sessions",
 *   "agnes-sessions",
 *   "deno run -A jsr:@agnes/sessions",
 * ]);
 * ```
 */
export function recognisedPrefixes(given: readonly string[]): string[] {
  return [...new Set([...given, ...KNOWN_PREFIXES])];
}
