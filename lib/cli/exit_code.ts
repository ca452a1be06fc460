/**
 * Exit codes, decided here and nowhere else: 0 success, 1 failure, 2 usage
 * error; a hook command always 0, because Claude Code treats 2 from a hook
 * as blocking and a hook must never break a session.
 *
 * @module
 */

import { UsageError } from "./args.ts";

/** The exit codes of `agnes-sessions`. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Thrown by a command that has already said what is wrong (`status` with
 * problems, `push` whose token the server rejected): exit 1 with nothing more
 * printed.
 *
 * @example
 * ```ts
 * import { errorExit, ReportedFailure } from "./exit_code.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(errorExit("status", new ReportedFailure(), false), { code: 1, message: "" });
 * ```
 */
export class ReportedFailure extends Error {
  /** Always `"ReportedFailure"`. */
  override name = "ReportedFailure";
}

/** What to print and which code to exit with for an error a command threw. */
export interface ErrorExit {
  /** The exit code. */
  code: number;
  /** The line for stderr; empty for a hook, which prints nothing. */
  message: string;
}

/**
 * Maps an error thrown by `command` to its exit code and one line of stderr.
 *
 * @example
 * ```ts
 * import { errorExit } from "./exit_code.ts";
 * import { UsageError } from "./args.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(errorExit("push", new UsageError("Unknown option --x"), false), {
 *   code: 2,
 *   message: "agnes-sessions push: Unknown option --x. See 'agnes-sessions push --help'.",
 * });
 * deepStrictEqual(errorExit("push", new Error("Cannot push: no token"), false).code, 1);
 * deepStrictEqual(errorExit("capture-session", new Error("disk full"), true), { code: 0, message: "" });
 * ```
 */
export function errorExit(command: string, error: unknown, hook: boolean): ErrorExit {
  if (hook) return { code: EXIT_CODES.ok, message: "" };
  if (error instanceof ReportedFailure) return { code: EXIT_CODES.failure, message: "" };
  if (error instanceof UsageError) {
    return {
      code: EXIT_CODES.usage,
      message:
        `agnes-sessions ${command}: ${error.message}. See 'agnes-sessions ${command} --help'.`,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { code: EXIT_CODES.failure, message: `agnes-sessions ${command}: ${text}` };
}
