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
 */
export function paint(text: string, style: Style, enabled: boolean): string {
  if (!enabled) return text;
  const [on, off] = CODES[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/**
 * `count` and the noun agreeing with it: `1 session`, `2 sessions`.
 */
export function formatCount(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
