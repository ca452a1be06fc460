/**
 * A small command-line parser for our commands. `node:util`'s `parseArgs`
 * costs about half a Deno start-up to import, and the hook commands run on
 * every session start and status-line render.
 *
 * @module
 */

import { didYouMean } from "./suggest.ts";

/**
 * A usage error: exit code 2 with a one-line message and a pointer to `--help`.
 */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override name = "UsageError";
}

/**
 * How each `--option` is parsed: a flag, an option taking a value, or a
 * repeatable option collecting its values.
 */
export type OptionTypes = Record<string, "boolean" | "string" | "strings">;

/** The parsed options and positional arguments. */
export interface ParsedArgs<T extends OptionTypes> {
  /** Options by name: `true` for a given flag, the value for a string option. */
  values: {
    [K in keyof T]?: T[K] extends "boolean" ? boolean : T[K] extends "strings" ? string[] : string;
  };
  /** Everything that is not an option, in order. */
  positionals: string[];
}

/** How {@linkcode parseCommandArgs} treats what it does not know. */
export interface ParseOptions {
  /**
   * Called with each unknown option, which is then skipped, instead of
   * throwing. Hook commands use this: they never fail on their command line.
   */
  onUnknown?: (arg: string) => void;
}

/** The usage error for an unknown option, with the likely one it was meant to be. */
function unknownOption(arg: string, options: OptionTypes): UsageError {
  const name = arg.split("=")[0]!;
  const meant = didYouMean(name, [
    ...Object.keys(options).map((option) => `--${option}`),
    "--help",
  ]);
  return new UsageError(`Unknown option ${name}${meant ? ` (did you mean ${meant}?)` : ""}`);
}

/**
 * Parses `--flag`, `--name value`, `--name=value`, `-h` (as `--help`) and
 * `--` (everything after it is positional).
 *
 * @throws {UsageError} for an unknown option (naming the likely one), a
 * missing value, or a value given to a flag.
 */
export function parseCommandArgs<T extends OptionTypes>(
  args: readonly string[],
  options: T,
  parse: ParseOptions = {},
): ParsedArgs<T> {
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--") {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg === "-h" ? "help" : arg.slice(2, equals === -1 ? undefined : equals);
    const type = options[name];
    if (!arg.startsWith("--") && arg !== "-h" || type === undefined) {
      if (parse.onUnknown === undefined) throw unknownOption(arg, options);
      parse.onUnknown(arg);
      continue;
    }
    if (type === "boolean") {
      if (equals !== -1) throw new UsageError(`Option --${name} takes no value`);
      values[name] = true;
      continue;
    }
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (index + 1 < args.length) value = args[++index]!;
    else throw new UsageError(`Option --${name} needs a value`);
    if (type === "strings") values[name] = [...(values[name] as string[] | undefined ?? []), value];
    else values[name] = value;
  }
  return { values: values as ParsedArgs<T>["values"], positionals };
}
