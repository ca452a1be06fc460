/**
 * Colour for people, never for programs: only when the stream is a terminal
 * and `NO_COLOR` is not set (https://no-color.org).
 *
 * @module
 */

const CODES = { bold: [1, 22], red: [31, 39], yellow: [33, 39], green: [32, 39] } as const;

/** A colour or weight {@linkcode paint} knows. */
export type Style = keyof typeof CODES;

/**
 * Whether to colour what goes to `stream`.
 *
 * @example
 * ```ts
 * import { colourFor } from "./style.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(colourFor({ isTerminal: () => false }), false);
 * ```
 */
export function colourFor(stream: { isTerminal(): boolean }): boolean {
  let noColor: string | undefined;
  try {
    noColor = Deno.env.get("NO_COLOR");
  } catch {
    noColor = undefined;
  }
  return stream.isTerminal() && (noColor === undefined || noColor === "");
}

/**
 * `text` in `style` when `enabled`, else as it is.
 *
 * @example
 * ```ts
 * import { paint } from "./style.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(paint("warn", "yellow", true), "\x1b[33mwarn\x1b[39m");
 * deepStrictEqual(paint("warn", "yellow", false), "warn");
 * ```
 */
export function paint(text: string, style: Style, enabled: boolean): string {
  if (!enabled) return text;
  const [on, off] = CODES[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/**
 * `count` and the noun agreeing with it: `1 session`, `2 sessions`.
 *
 * @example
 * ```ts
 * import { formatCount } from "./style.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual([formatCount(1, "session"), formatCount(0, "session"), formatCount(2, "file")], ["1 session", "0 sessions", "2 files"]);
 * ```
 */
export function formatCount(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
