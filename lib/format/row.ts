/**
 * Rows of the workspace's TAB-separated files: fields are written as they
 * are, with no escaping, so a field that could split or end a row is refused.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const FORBIDDEN = /[\t\r\n\u0000]/;

/**
 * Throws a `TypeError` when `value` contains TAB, CR, LF or NUL, which would
 * corrupt the row it is written into.
 */
export function assertRowField(name: string, value: string): void {
  if (FORBIDDEN.test(value)) {
    throw new TypeError(`Cannot write ${name}: it contains a TAB, CR, LF or NUL character`);
  }
}

/**
 * Whether `value` can be written as a field (no TAB, CR, LF or NUL).
 */
export function isRowField(value: string): boolean {
  return !FORBIDDEN.test(value);
}

/**
 * Joins named fields into one row after checking each with
 * {@linkcode assertRowField}.
 */
export function formatRow(fields: Record<string, string>): string {
  for (const [name, value] of Object.entries(fields)) assertRowField(name, value);
  return Object.values(fields).join("\t");
}
