/**
 * The text formats every workspace file shares: TAB-separated rows whose
 * fields may not hold TAB, CR, LF or NUL (`row.ts`), and UTC stamps
 * `YYYY-MM-DDTHH:MM:SSZ` with the 30-day retry window (`timestamp.ts`).
 *
 * May import: nothing else in `lib/`. Everything above may import it.
 *
 * @example A stamped row
 * ```ts
 * import { formatRow } from "./row.ts";
 * import { formatTimestamp } from "./timestamp.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const row = formatRow({ stamp: formatTimestamp(new Date(0)), id: "s1" });
 * deepStrictEqual(row, "1970-01-01T00:00:00Z\ts1");
 * ```
 *
 * @module
 */

export {};
