/**
 * `deno task bench`: whole-process benchmarks, each printed as a ratio to a
 * baseline measured in the same run, because these machines are noisy.
 *
 * - start-up: median wall time of `capture-session` and `statusline` divided
 *   by the median of `deno run` of an empty module, with the same permission
 *   flags as the compiled hook binary (target: at most 1.25 each).
 *
 * Runs are interleaved (baseline, capture, statusline, baseline, …) so that
 * drift in machine load hits all three alike.
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
const EMPTY = `${ROOT}bench/empty.ts`;
const FLAGS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys=hostname",
];
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 40);

async function timeProcess(
  args: string[],
  stdin: string,
  env: Record<string, string>,
): Promise<number> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...FLAGS, ...args],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
    env,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const { code } = await child.status;
  if (code !== 0) throw new Error(`Cannot benchmark ${args.join(" ")}: exit ${code}`);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function startup(): Promise<void> {
  const workspace = await Deno.makeTempDir({ prefix: "agnes-bench-" });
  try {
    const env = { AGNES_LOCAL_DIR: workspace };
    const capture = JSON.stringify({
      session_id: "bench-session",
      transcript_path: `${workspace}/bench-session.jsonl`,
      hook_event_name: "SessionStart",
    });
    const status = JSON.stringify({ session_id: "bench-session", model: { id: "x" } });
    // Warm the module cache (transpiled output) as a hook's second run would find it.
    await timeProcess([EMPTY], "", env);
    await timeProcess([CLI, "capture-session"], capture, env);
    await timeProcess([CLI, "statusline"], status, env);
    const times = { empty: [] as number[], capture: [] as number[], statusline: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      times.empty.push(await timeProcess([EMPTY], "", env));
      times.capture.push(await timeProcess([CLI, "capture-session"], capture, env));
      times.statusline.push(await timeProcess([CLI, "statusline"], status, env));
    }
    const base = median(times.empty);
    console.log(`start-up (${RUNS} interleaved runs each, median wall time)`);
    console.log(`  deno run empty module       ${base.toFixed(1)} ms  (baseline)`);
    for (const name of ["capture", "statusline"] as const) {
      const value = median(times[name]);
      const label = name === "capture" ? "capture-session" : "statusline";
      console.log(
        `  ${label.padEnd(27)} ${value.toFixed(1)} ms  ratio ${
          (value / base).toFixed(2)
        }  (target <= 1.25)`,
      );
    }
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}

await startup();
