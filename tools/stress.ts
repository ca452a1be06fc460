/**
 * `deno task stress`: the long, randomized scenarios in `tests/stress/`
 * (hundreds of processes, kill storms, fault-injecting servers, 100 MiB
 * bodies), kept out of the default test run so that stays fast.
 *
 * `deno task stress` runs each scenario at full size; `STRESS_SCALE=ci`
 * runs the reduced size CI uses; `STRESS_SEED=<n>` replays a run's random
 * choices. Extra arguments go to `deno test` (for instance
 * `--filter push` or `--junit-path=…`).
 *
 * Each scenario prints one JSON line of counts (`{"scenario": …, "lost": n,
 * …}`); this runner passes the test output through and ends with one
 * summary line adding them up, e.g.
 * `stress: 8 scenarios, lost 0, torn 0, duplicates 2, overlaps 0, kills 310, leftovers 0, 95.1 s`.
 *
 * @module
 */

/** The counts every scenario line carries, in the order the summary shows them. */
const KEYS = ["lost", "torn", "duplicates", "overlaps", "kills", "leftovers"] as const;

/** A scenario's counts line, or `undefined` for any other line of output. */
export function parseCountsLine(line: string): Record<string, unknown> | undefined {
  // deno-lint-ignore no-control-regex
  const text = line.replace(/\x1b\[[0-9;]*m/g, "").trim();
  if (!text.startsWith('{"scenario":')) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && typeof value.scenario === "string"
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** The one summary line for the counts lines seen. */
export function summaryLine(lines: readonly Record<string, unknown>[]): string {
  const sum = (key: string) =>
    lines.reduce((total, line) => total + (typeof line[key] === "number" ? line[key] : 0), 0);
  const parts = KEYS.map((key) => `${key} ${sum(key)}`);
  if (lines.some((line) => typeof line.duplicatesBetweenTools === "number")) {
    parts.push(`duplicates between the tools ${sum("duplicatesBetweenTools")}`);
  }
  const seconds = (sum("ms") / 1000).toFixed(1);
  return `stress: ${lines.length} scenarios, ${parts.join(", ")}, ${seconds} s in scenarios`;
}

if (import.meta.main) {
  const dir = new URL("../tests/stress/", import.meta.url);
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith("_stress.ts")) {
      files.push(new URL(entry.name, dir).pathname);
    }
  }
  files.sort();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...Deno.args, ...files],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const seen: Record<string, unknown>[] = [];
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of child.stdout) {
    for (let written = 0; written < chunk.length;) {
      written += await Deno.stdout.write(chunk.subarray(written));
    }
    pending += decoder.decode(chunk, { stream: true });
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n")) {
      const counts = parseCountsLine(pending.slice(0, end));
      if (counts !== undefined) seen.push(counts);
      pending = pending.slice(end + 1);
    }
  }
  const { code } = await child.status;
  const wall = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\n${summaryLine(seen)}; ${wall} s in all`);
  Deno.exit(code);
}
