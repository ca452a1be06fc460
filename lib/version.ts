/**
 * The package version, kept equal to `deno.json` by a test.
 *
 * @module
 */

/**
 * This package's version, sent as `User-Agent: agnes-sessions/<version>`.
 *
 * @example
 * ```ts
 * import { VERSION } from "@agnes/sessions";
 * import { match } from "node:assert/strict";
 *
 * match(VERSION, /^\d+\.\d+\.\d+$/);
 * ```
 */
export const VERSION = "0.1.0";
