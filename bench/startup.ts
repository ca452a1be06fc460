/**
 * Hook start-up: the median wall time of `capture-session` and `statusline`
 * run from the bundle `deno task compile` compiles, divided by the median of
 * `deno run` of an empty module with the same flags (targets: at most 1.15
 * and 1.05). The TypeScript sources are timed too, for reference: `deno run`
 * pays a per-file cost there that the binary does not. Runs are interleaved
 * (baseline, subjects, baseline, …) so drift in machine load hits all alike.
 *
 * `deno run -A bench/startup.ts` (`BENCH_RUNS`, default 40).
 *
 * @module
 */

import { buildBundle, CLI, EMPTY, heading, measure, median, ms, note, report } from "./_bench.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 40);

/** Appends one queue-sized row to `path` and times its `fdatasync`, in ms. */
function timeSyncedAppend(path: string): number {
  using file = Deno.openSync(path, { append: true, create: true });
  file.writeSync(new TextEncoder().encode("bench-session\t/tmp/bench-session.jsonl\n"));
  const started = performance.now();
  file.syncDataSync();
  return performance.now() - started;
}

/** The subjects, each a function that runs it once. */
function subjects(bundle: string, workspace: string) {
  const env = { AGNES_LOCAL_DIR: workspace };
  const capture = JSON.stringify({
    session_id: "bench-session",
    transcript_path: `${workspace}/bench-session.jsonl`,
    hook_event_name: "SessionStart",
  });
  const status = JSON.stringify({ session_id: "bench-session", model: { id: "x" } });
  return {
    "empty module": () => measure([EMPTY], env),
    "capture-session (bundle)": () => measure([bundle, "capture-session"], env, { stdin: capture }),
    "statusline (bundle)": () => measure([bundle, "statusline"], env, { stdin: status }),
    "capture-session (cli.ts)": () => measure([CLI, "capture-session"], env, { stdin: capture }),
    "statusline (cli.ts)": () => measure([CLI, "statusline"], env, { stdin: status }),
  };
}

const TARGETS: Record<string, number> = {
  "capture-session (bundle)": 1.15,
  "statusline (bundle)": 1.05,
};

/** Runs the start-up benchmark and prints its figures. */
export async function benchStartup(): Promise<void> {
  const bundle = await buildBundle();
  const workspace = await Deno.makeTempDir({ prefix: "agnes-bench-" });
  try {
    const runs = subjects(bundle, workspace);
    const times = new Map(Object.keys(runs).map((name) => [name, [] as number[]]));
    const syncs: number[] = [];
    for (let run = -1; run < RUNS; run++) { // run -1 warms the module and code caches
      for (const [name, subject] of Object.entries(runs)) {
        const { ms } = await subject();
        if (run >= 0) times.get(name)!.push(ms);
      }
      syncs.push(timeSyncedAppend(`${workspace}/sync-probe.txt`));
    }
    const base = median(times.get("empty module")!);
    heading(`hook start-up (${RUNS} interleaved runs each, median wall time, flags of the binary)`);
    for (const [name, values] of times) {
      const value = median(values);
      const target = TARGETS[name];
      if (target !== undefined) {
        report({
          label: `${name} vs deno run of an empty module`,
          value: ms(value),
          baseline: ms(base),
          ratio: value / base,
          target: { max: target },
        });
      } else if (name !== "empty module") {
        note(`${name}: ${ms(value)}, ratio ${(value / base).toFixed(2)} (for reference)`);
      }
    }
    note(
      `fdatasync of one appended row here: median ${median(syncs).toFixed(2)} ms, max ${
        Math.max(...syncs).toFixed(2)
      } ms (a capture pays it, the baseline does not)`,
    );
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}

if (import.meta.main) await benchStartup();
