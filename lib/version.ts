/**
 * The package version, kept equal to `deno.json` by a test.
 *
 * @module
 */

/** This package's version, sent as `User-Agent: agnes-sessions/<version>`. */
export const VERSION = "0.1.0";
