/**
 * Running one loaded command with its arguments: its help when asked, else
 * the command, and the exit code its outcome means. Shared by `cli.ts` and
 * the hook commands' own bundles, so a hook exits the same way whichever
 * started it.
 *
 * @module
 */

import { errorExit, EXIT_CODES } from "./exit_code.ts";

/** What a command file exports. */
export interface CommandModule {
  /** Runs the command; throws for a failure. */
  run(args: string[]): Promise<void>;
  /** The text of `--help`. */
  help: string;
}

/** Whether `args` ask for help (before a `--`). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/**
 * Runs `command` (named `name`) with `args` and returns the exit code: 0, 1
 * for a failure, 2 for a usage error; a hook always 0. Prints the help when
 * asked, and a failure's message on stderr.
 */
export async function runCommand(
  name: string,
  command: CommandModule,
  args: string[],
  hook: boolean,
): Promise<number> {
  try {
    if (wantsHelp(args)) {
      console.log(command.help);
      return EXIT_CODES.ok;
    }
    await command.run(args);
    return EXIT_CODES.ok;
  } catch (error) {
    const { code, message } = errorExit(name, error, hook);
    if (message !== "") console.error(message);
    return code;
  }
}
