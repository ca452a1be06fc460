/**
 * The command line's machinery, shared by the commands: argument parsing and
 * the usage error (`args.ts`), exit codes decided in one place
 * (`exit_code.ts`), bounded reading of a hook's stdin (`stdin.ts`), and the
 * flags the CLI runs with plus starting it detached (`detach.ts`).
 *
 * May import: `fs/`. Imported by `commands/` and `cli.ts`. Nothing here is
 * part of the library API.
 *
 * @example Parse a command line
 * ```ts
 * import { parseCommandArgs } from "./args.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const { values } = parseCommandArgs(["--json"], { json: "boolean" });
 * deepStrictEqual(values, { json: true });
 * ```
 *
 * @module
 */

export {};
