/**
 * A seeded random source for the stress scenarios: the seed is printed in
 * each scenario's counts line, and `STRESS_SEED=<n>` replays the same random
 * choices (fault plans, kill delays, file sizes). Process timing is not
 * replayed, so a rerun is a close repetition, not an exact one.
 */

/** Random choices from one seed. */
export interface Random {
  /** The seed this source started from. */
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T;
  /** `length` letters, digits and spaces: content gzip cannot shrink to nothing, safe in JSON. */
  text(length: number): string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789    ";

/** A random source seeded from `$STRESS_SEED`, else from `Math.random`. */
export function seededRandom(): Random {
  const fromEnv = Deno.env.get("STRESS_SEED");
  const seed = fromEnv !== undefined && fromEnv !== ""
    ? Number(fromEnv) >>> 0
    : Math.floor(Math.random() * 2 ** 32);
  let state = seed;
  // mulberry32: small, fast, and good enough to pick faults.
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)]!,
    weighted(choices) {
      const total = choices.reduce((sum, [weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [weight, choice] of choices) {
        roll -= weight;
        if (roll < 0) return choice;
      }
      return choices.at(-1)![1];
    },
    text(length) {
      let out = "";
      for (let i = 0; i < length; i++) out += ALPHABET[int(0, ALPHABET.length - 1)];
      return out;
    },
  };
}
