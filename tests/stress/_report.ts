/**
 * The counts line every stress scenario prints: exactly one JSON object on
 * one line, which `tools/stress.ts` collects into its summary.
 */

import { assert, assertEquals } from "../_assert.ts";

/** What a scenario counted. The first eight keys are in every line; more are welcome. */
export interface Counts {
  /** The scenario's name (its file name without `_stress.ts`). */
  scenario: string;
  /** Acknowledged items that are nowhere to be found afterwards. */
  lost: number;
  /** Rows or files seen half-written. */
  torn: number;
  /** Items the server received more than once (harmless, but bounded). */
  duplicates: number;
  /** Times two holders were inside one lock at once. */
  overlaps: number;
  /** SIGKILLs that landed (the process died of them). */
  kills: number;
  /** Held locks, temp files and other debris left at the end. */
  leftovers: number;
  /** Wall time of the scenario. */
  ms: number;
  /** Any further count (or the seed, or a note). */
  [more: string]: number | string;
}

/** Starts a wall clock; calling the result gives the milliseconds since. */
export function startClock(): () => number {
  const started = performance.now();
  return () => Math.round(performance.now() - started);
}

/** Prints the counts line: before any assertion, so a failing run still shows what it counted. */
export function report(counts: Counts): void {
  console.log(JSON.stringify(counts));
}

/**
 * Asserts the invariants every scenario holds: nothing lost, nothing torn,
 * no overlap, no leftovers, and at most `maxDuplicates` duplicates.
 */
export function assertInvariants(counts: Counts, maxDuplicates = 0): void {
  const { lost, torn, overlaps, leftovers, duplicates } = counts;
  assertEquals({ lost, torn, overlaps, leftovers }, {
    lost: 0,
    torn: 0,
    overlaps: 0,
    leftovers: 0,
  });
  assert(
    duplicates <= maxDuplicates,
    `${duplicates} duplicates, more than the ${maxDuplicates} this run allows`,
  );
}
