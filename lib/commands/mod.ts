/**
 * One file per command of `agnes-sessions`, each exporting its `help` text
 * and `run(args)`. `cli.ts` loads a command's file only when that command
 * runs, so the hook commands (`capture_session.ts`, `status_line.ts`) load
 * nothing they do not use. A command parses its arguments, does the process
 * I/O (stdin, stdout, stderr) and calls the library below it; it never
 * exits: errors go back to `cli.ts`, which decides the exit code.
 *
 * May import: every folder of `lib/` but another command. Imported lazily by
 * `cli.ts`. Nothing here is part of the library API.
 *
 * @example Every command has help and a runner
 * ```ts
 * import * as statusline from "./status_line.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(statusline.help.startsWith("Usage: agnes-sessions statusline"));
 * ok(typeof statusline.run === "function");
 * ```
 *
 * @module
 */

export {};
