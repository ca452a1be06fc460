/**
 * How big a stress run is: `STRESS_SCALE=ci` (what CI runs) picks the
 * reduced size of each scenario, anything else the full one.
 */

/** `full` normally, `reduced` when `STRESS_SCALE=ci`. */
export function scaled(full: number, reduced: number): number {
  return Deno.env.get("STRESS_SCALE") === "ci" ? reduced : full;
}
