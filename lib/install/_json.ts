/**
 * The JSON we write: 2-space indentation, keys in the order they were given,
 * a final newline, so a second run produces the same bytes.
 *
 * @module
 */

/**
 * `value` as the text of a file: 2-space JSON with a final newline.
 *
 * @example
 * ```ts
 * import { formatJson } from "./_json.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(formatJson({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}\n');
 * ```
 */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Whether two JSON values are the same, key order included (what decides
 * whether a file's bytes would change).
 *
 * @example
 * ```ts
 * import { sameJson } from "./_json.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(sameJson({ a: 1, b: 2 }, { a: 1, b: 2 }), true);
 * deepStrictEqual(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }), false);
 * ```
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
