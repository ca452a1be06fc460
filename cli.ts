/**
 * The `agnes-sessions` executable: what `deno compile` builds and what Claude
 * Code hooks run.
 *
 * ```sh
 * agnes-sessions capture-session < hook.json
 * agnes-sessions push
 * ```
 *
 * Commands are loaded lazily, so the hook commands (`capture-session`,
 * `statusline`) import only what they use. Exit codes are decided here and
 * nowhere else: 0 success, 1 failure, 2 usage error; hook commands always 0.
 *
 * @module
 */

import { EXIT_CODES } from "./lib/cli/exit_code.ts";
import { type CommandModule, runCommand } from "./lib/cli/run_command.ts";
import { didYouMean } from "./lib/cli/suggest.ts";
import { VERSION } from "./lib/version.ts";

/** A command: what it does, and how to load it. */
interface Command {
  summary: string;
  /** Hook commands exit 0 whatever happens: Claude Code treats 2 as blocking. */
  hook?: boolean;
  load(): Promise<CommandModule>;
}

const COMMANDS: Record<string, Command> = {
  "capture-session": {
    summary: "SessionStart/SessionEnd hook: queue this session's transcript",
    hook: true,
    load: () => import("./lib/commands/capture_session.ts"),
  },
  "mark-private": {
    summary: "Mark a session private (the /agnes-private slash command)",
    load: () => import("./lib/commands/mark_private.ts"),
  },
  "unmark-private": {
    summary: "Remove a session from the private list",
    load: async () => {
      const { runUnmark, unmarkHelp } = await import("./lib/commands/mark_private.ts");
      return { run: runUnmark, help: unmarkHelp };
    },
  },
  "statusline": {
    summary: "statusLine command: show a lock when this session is private",
    hook: true,
    load: () => import("./lib/commands/status_line.ts"),
  },
  "push": {
    summary: "Upload queued transcripts and CLAUDE.local.md to the Agnes server",
    load: () => import("./lib/commands/push.ts"),
  },
  "install": {
    summary: "Wire the workspace into Claude Code (hooks, status line, /agnes-private)",
    load: () => import("./lib/commands/install.ts"),
  },
  "status": {
    summary: "Show the queue, the locks, the server and Claude Code's wiring, and what to fix",
    load: () => import("./lib/commands/status.ts"),
  },
  "login": {
    summary: "Store the server URL and token (shared with the Python agnes tool)",
    load: () => import("./lib/commands/login.ts"),
  },
  "serve": {
    summary: "Run an Agnes-compatible receiver (tests, demos, small setups)",
    load: () => import("./lib/commands/serve.ts"),
  },
};

function toolHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) =>
    `  ${name.padEnd(width)}  ${command.summary}`
  );
  return `agnes-sessions ${VERSION}: ship Claude Code session transcripts to an Agnes server

Usage: agnes-sessions <command> [options]

Commands:
${lines.join("\n")}

Options:
  -h, --help     Show help (also: agnes-sessions help <command>, or <command> --help)
  -V, --version  Show the version

Examples:
  agnes-sessions login --server https://agnes.example.com
  agnes-sessions install
  agnes-sessions status
  agnes-sessions help push`;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit
 * code. Never calls `Deno.exit`.
 *
 * @example
 * ```ts
 * import { main } from "@agnes/sessions/cli";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(await main(["--version"]), 0);
 * deepStrictEqual(await main(["no-such-command"]), 2);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const [first, ...others] = args;
  if (first === "--version" || first === "-V") {
    console.log(`agnes-sessions ${VERSION}`);
    return EXIT_CODES.ok;
  }
  const asksHelp = first === "--help" || first === "-h" || first === "help";
  if (asksHelp && (first !== "help" || others.length === 0)) {
    console.log(toolHelp());
    return EXIT_CODES.ok;
  }
  // `help <command>` is `<command> --help`.
  const [name, rest] = first === "help" ? [others[0], ["--help"]] : [first, others];
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    console.error(`agnes-sessions: ${unknownCommand(name)}. See 'agnes-sessions --help'.`);
    return EXIT_CODES.usage;
  }
  let loaded: CommandModule;
  try {
    loaded = await command.load();
  } catch (error) {
    if (command.hook) return EXIT_CODES.ok; // a hook is silent whatever happens
    console.error(`agnes-sessions ${name}: cannot load the command: ${(error as Error).message}`);
    return EXIT_CODES.failure;
  }
  return await runCommand(name!, loaded, rest, command.hook ?? false);
}

/** What to say of a command that is not one, with the likely one it was meant to be. */
function unknownCommand(name: string | undefined): string {
  if (name === undefined) return "No command given";
  const meant = didYouMean(name, Object.keys(COMMANDS));
  return `Unknown command '${name}'${meant ? ` (did you mean '${meant}'?)` : ""}`;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
