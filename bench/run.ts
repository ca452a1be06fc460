/**
 * `deno task bench`: whole-process benchmarks, each printed as a ratio to a
 * baseline measured in the same run, because these machines are noisy.
 *
 * - start-up: median wall time of `capture-session` and `statusline` divided
 *   by the median of `deno run` of an empty module, with the same permission
 *   flags as the compiled hook binary (target: at most 1.25 each). Measured
 *   on the bundle `deno task build` writes, which is what `deno task compile`
 *   compiles (a compiled binary cannot be built here), and, for reference, on
 *   the TypeScript sources, where `deno run` pays a per-file cost (stat, hash
 *   check of the cached emit, code-cache lookup) for each of ~15 modules.
 *
 * - push throughput: a `push` of 200 transcripts of 64 KiB to a loopback
 *   receiver (a `serve` process) divided by a bare `fetch` loop uploading the
 *   same files with the same concurrency (target: at most 1.5). Both run as
 *   processes with the same flags, so both pay a start-up.
 * - push memory: peak RSS (VmHWM) of a push of one 48 MiB transcript (target:
 *   at most 150 MB).
 *
 * Runs are interleaved (baseline, subject, baseline, …) so that drift in
 * machine load hits both alike.
 *
 * @module
 */

import { RUN_FLAGS } from "../lib/cli/_detach.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
const EMPTY = `${ROOT}bench/empty.ts`;
const BUNDLE = `${ROOT}dist/agnes-sessions.js`;
const FLAGS = [...RUN_FLAGS];
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 40);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Builds the bundle that `deno task compile` compiles (`deno task build`) and
 * returns its path.
 */
async function buildBundle(): Promise<string> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "build"],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`Cannot build the bundle: ${new TextDecoder().decode(stderr)}`);
  }
  return BUNDLE;
}

async function startup(): Promise<void> {
  const bundle = await buildBundle();
  const workspace = await Deno.makeTempDir({ prefix: "agnes-bench-" });
  try {
    const env = { AGNES_LOCAL_DIR: workspace };
    const capture = JSON.stringify({
      session_id: "bench-session",
      transcript_path: `${workspace}/bench-session.jsonl`,
      hook_event_name: "SessionStart",
    });
    const status = JSON.stringify({ session_id: "bench-session", model: { id: "x" } });
    const subjects: Record<string, () => Promise<Measured>> = {
      "empty module": () => measure([EMPTY], env),
      "capture-session (bundle)": () =>
        measure([bundle, "capture-session"], env, { stdin: capture }),
      "statusline (bundle)": () => measure([bundle, "statusline"], env, { stdin: status }),
      "capture-session (cli.ts)": () => measure([CLI, "capture-session"], env, { stdin: capture }),
      "statusline (cli.ts)": () => measure([CLI, "statusline"], env, { stdin: status }),
    };
    const times = new Map(Object.keys(subjects).map((name) => [name, [] as number[]]));
    const syncs: number[] = [];
    for (let run = -1; run < RUNS; run++) { // run -1 warms the module and code caches
      for (const [name, subject] of Object.entries(subjects)) {
        const { ms } = await subject();
        if (run >= 0) times.get(name)!.push(ms);
      }
      syncs.push(timeSyncedAppend(`${workspace}/sync-probe.txt`));
    }
    const base = median(times.get("empty module")!);
    console.log(`start-up (${RUNS} interleaved runs each, median wall time)`);
    console.log(`  ${"deno run empty module".padEnd(34)} ${base.toFixed(1)} ms  (baseline)`);
    for (const [name, values] of times) {
      if (name === "empty module") continue;
      const value = median(values);
      const note = name.endsWith("(bundle)")
        ? "(target <= 1.25: the code deno task compile ships)"
        : "(from the TS sources, for reference)";
      console.log(
        `  ${name.padEnd(34)} ${value.toFixed(1)} ms  ratio ${(value / base).toFixed(2)}  ${note}`,
      );
    }
    console.log(
      `  fdatasync of one appended row here: median ${median(syncs).toFixed(2)} ms, ` +
        `max ${Math.max(...syncs).toFixed(2)} ms (capture pays it, the baseline does not)`,
    );
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}

/** Appends one queue-sized row to `path` and times its `fdatasync`, in ms. */
function timeSyncedAppend(path: string): number {
  using file = Deno.openSync(path, { append: true, create: true });
  file.writeSync(new TextEncoder().encode("bench-session\t/tmp/bench-session.jsonl\n"));
  const started = performance.now();
  file.syncDataSync();
  return performance.now() - started;
}

/** What {@linkcode measure} saw of one process. */
interface Measured {
  /** Wall time from spawn to exit. */
  ms: number;
  /** Peak RSS (VmHWM) in bytes, when asked for; else 0. */
  peakBytes: number;
}

/**
 * Runs `deno run FLAGS ...args` to the end, feeding it `stdin`. With
 * `peakRss`, polls its VmHWM from /proc every 5 ms; the start-up runs do not,
 * as polling on the other core would add noise to a 15 ms process.
 */
async function measure(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; peakRss?: boolean } = {},
): Promise<Measured> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...FLAGS, ...args],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
    env,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  let finished = false;
  const output = child.output().finally(() => finished = true);
  let peakBytes = 0;
  while (options.peakRss && !finished) {
    try {
      const text = await Deno.readTextFile(`/proc/${child.pid}/status`);
      const match = /VmHWM:\s+(\d+) kB/.exec(text);
      if (match) peakBytes = Math.max(peakBytes, Number(match[1]) * 1024);
    } catch {
      // Gone between the check and the read.
    }
    await Promise.race([output, new Promise((resolve) => setTimeout(resolve, 5))]);
  }
  const { code, stderr } = await output;
  if (code !== 0) {
    throw new Error(`Cannot benchmark ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
  }
  return { ms: performance.now() - started, peakBytes };
}

async function startReceiverProcess(dataDir: string): Promise<[string, Deno.ChildProcess]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...FLAGS,
      CLI,
      "serve",
      "--port",
      "0",
      "--data",
      dataDir,
      "--token",
      "bench-token=bench",
      "--max-upload-mb",
      "100",
    ],
    stdout: "piped",
    stderr: "null", // its log line per request
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const url = /Listening on (\S+)/.exec(value ?? "")?.[1];
  if (url === undefined) throw new Error("Cannot start the receiver");
  return [url, child];
}

async function pushBenchmarks(): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "agnes-bench-push-" });
  const [url, receiver] = await startReceiverProcess(`${root}/data`);
  try {
    const projects = `${root}/claude/projects/-bench`;
    await Deno.mkdir(projects, { recursive: true });
    const workspace = `${root}/workspace`;
    await Deno.mkdir(`${workspace}/.claude`, { recursive: true });
    const line = `{"type":"assistant","message":"${"z".repeat(1000)}"}\n`;
    const files: string[] = [];
    for (let i = 0; i < 200; i++) {
      const path = `${projects}/bench-${String(i).padStart(3, "0")}.jsonl`;
      await Deno.writeTextFile(path, line.repeat(64)); // 64 KiB
      files.push(path);
    }
    const env = {
      AGNES_SERVER: url,
      AGNES_TOKEN: "bench-token",
      CLAUDE_CONFIG_DIR: `${root}/claude`,
      AGNES_CONFIG_DIR: `${root}/config`,
    };
    const queue = files.map((path, i) => `bench-${i}\t${path}\n`).join("");
    /** Puts `rows` on the queue and forgets earlier uploads, so every file is sent again. */
    const requeue = async (rows: string) => {
      await Deno.writeTextFile(`${workspace}/.claude/agnes-sessions.txt`, rows);
      await Deno.remove(`${workspace}/.claude/agnes-sessions-uploaded.txt`).catch(() => {});
    };
    const rounds = Number(Deno.env.get("BENCH_PUSH_ROUNDS") ?? 5);
    const times = { fetch: [] as number[], push: [] as number[], pushPlain: [] as number[] };
    for (let round = 0; round < rounds + 1; round++) {
      const { ms: fetchMs } = await measure(
        [`${ROOT}bench/fetch_loop.ts`, url, "bench-token", "4", ...files],
        env,
      );
      for (const [key, extra] of [["push", []], ["pushPlain", ["--no-gzip"]]] as const) {
        await requeue(queue);
        const { ms: pushMs } = await measure(
          [CLI, "push", "--quiet", "--workspace", workspace, "--concurrency", "4", ...extra],
          env,
        );
        if (round > 0) times[key].push(pushMs); // round 0 warms caches
      }
      if (round > 0) times.fetch.push(fetchMs);
    }
    const base = median(times.fetch);
    console.log(
      `\npush throughput (200 transcripts of 64 KiB, concurrency 4, ${rounds} interleaved runs, median)`,
    );
    console.log(`  bare fetch loop process     ${base.toFixed(0)} ms  (baseline)`);
    for (
      const [key, label] of [["push", "push (gzip, as advertised)"], [
        "pushPlain",
        "push --no-gzip",
      ]] as const
    ) {
      const value = median(times[key]);
      console.log(
        `  ${label.padEnd(27)} ${value.toFixed(0)} ms  ratio ${
          (value / base).toFixed(2)
        }  (target <= 1.5)`,
      );
    }

    const big = `${projects}/bench-big.jsonl`;
    const file = await Deno.open(big, { write: true, create: true });
    const chunk = new TextEncoder().encode(line.repeat(1024));
    for (let written = 0; written < 48 * 1024 * 1024; written += chunk.length) {
      await file.write(chunk);
    }
    file.close();
    console.log("\npush memory (one 48 MiB transcript, peak RSS of the push process)");
    const { peakBytes: emptyPeak } = await measure([EMPTY], env, { peakRss: true });
    console.log(`  deno run empty module       ${(emptyPeak / 1e6).toFixed(1)} MB  (for scale)`);
    for (const extra of [[], ["--no-gzip"]]) {
      await requeue(`big\t${big}\n`);
      const { ms, peakBytes: peak } = await measure(
        [CLI, "push", "--quiet", "--workspace", workspace, ...extra],
        env,
        { peakRss: true },
      );
      const label = extra.length === 0 ? "push (gzip)" : "push --no-gzip";
      console.log(
        `  ${label.padEnd(27)} ${(peak / 1e6).toFixed(1)} MB  in ${
          ms.toFixed(0)
        } ms  (target <= 150 MB)`,
      );
    }
  } finally {
    receiver.kill("SIGTERM");
    await receiver.status;
    await Deno.remove(root, { recursive: true });
  }
}

const only = Deno.args[0];
if (only === undefined || only === "startup") await startup();
if (only === undefined || only === "push") await pushBenchmarks();
