/**
 * What every benchmark shares: where things are, how a process is measured
 * (wall time and peak RSS), the receiver process, and the line each figure
 * is printed as (figure, baseline, ratio, target), collected for the
 * summary.
 *
 * @module
 */

import { RUN_FLAGS } from "../lib/cli/detach.ts";
import type { UploadLedger } from "../lib/store/upload_ledger.ts";

/** The repository's root, ending in `/`. */
export const ROOT: string = new URL("..", import.meta.url).pathname;
/** The CLI's entry point. */
export const CLI = `${ROOT}cli.ts`;
/** A module that does nothing: the start-up baseline. */
export const EMPTY = `${ROOT}bench/empty.ts`;
/** The bundle's entry, which `deno task build` writes and `deno task compile` compiles. */
export const BUNDLE = `${ROOT}dist/bundle/main.js`;
/** The compiled binary's permission flags. */
export const FLAGS: readonly string[] = [...RUN_FLAGS];
/** The receiver's bearer token in the benchmarks. */
export const TOKEN = "bench-token";

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** What {@linkcode measure} saw of one process. */
export interface Measured {
  /** Wall time from spawn to exit, in ms. */
  ms: number;
  /** Peak RSS (VmHWM) in bytes when asked for, else 0. */
  peakBytes: number;
  /** What the process printed on stdout. */
  stdout: string;
}

/** Options for {@linkcode measure}. */
export interface MeasureOptions {
  /** Fed to the process's stdin. */
  stdin?: string;
  /** Poll VmHWM every 5 ms (not for start-up runs: polling adds noise to a 15 ms process). */
  peakRss?: boolean;
  /** Keep stdout (else discarded). */
  stdout?: boolean;
}

async function peakWhileRunning(pid: number, output: Promise<unknown>): Promise<number> {
  let finished = false;
  output.finally(() => finished = true);
  let peak = 0;
  while (!finished) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${pid}/status`));
      if (match) peak = Math.max(peak, Number(match[1]) * 1024);
    } catch {
      // Gone between the check and the read.
    }
    await Promise.race([output, new Promise((resolve) => setTimeout(resolve, 5))]);
  }
  return peak;
}

/**
 * Runs `deno run FLAGS ...args` to the end and measures it.
 *
 * @throws {Error} when the process exits with a code other than 0.
 */
export async function measure(
  args: readonly string[],
  env: Record<string, string>,
  options: MeasureOptions = {},
): Promise<Measured> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...FLAGS, ...args],
    stdin: "piped",
    stdout: options.stdout ? "piped" : "null",
    stderr: "piped",
    env,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  const output = child.output();
  const peakBytes = options.peakRss ? await peakWhileRunning(child.pid, output) : 0;
  const result = await output;
  const ms = performance.now() - started;
  if (result.code !== 0) {
    const stderr = new TextDecoder().decode(result.stderr);
    throw new Error(`Cannot benchmark ${args.join(" ")}: ${stderr}`);
  }
  return { ms, peakBytes, stdout: options.stdout ? new TextDecoder().decode(result.stdout) : "" };
}

/** A server process and its address. */
export interface ServerProcess extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  url: string;
}

/** Starts `deno run ...args`, waits for its `Listening on URL` line, and stops it on dispose. */
export async function startServer(args: readonly string[]): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...args],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const url = /Listening on (\S+)/.exec(value ?? "")?.[1];
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
  };
  if (url === undefined) {
    await stop();
    throw new Error(`Cannot start ${args.join(" ")}`);
  }
  return { url, [Symbol.asyncDispose]: stop };
}

/** Starts a `serve` process on loopback storing into `dataDir`. */
export function startReceiver(dataDir: string, cli: string = CLI): Promise<ServerProcess> {
  return startServer([
    ...FLAGS,
    cli,
    "serve",
    "--port",
    "0",
    "--data",
    dataDir,
    "--token",
    `${TOKEN}=bench`,
    "--max-upload-mb",
    "100",
  ]);
}

/** The environment a CLI process under test gets: this receiver, its token, config under `root`. */
export function clientEnv(root: string, server: string): Record<string, string> {
  return {
    AGNES_SERVER: server,
    AGNES_TOKEN: TOKEN,
    CLAUDE_CONFIG_DIR: `${root}/claude`,
    AGNES_CONFIG_DIR: `${root}/config`,
  };
}

/**
 * Records `rows` (path, size, modification time) as sent in `ledger`, written
 * straight into its shard files: a large history made in seconds, not an
 * append per row.
 */
export async function writeLedgerRows(
  ledger: UploadLedger,
  rows: Iterable<[string, number, number]>,
): Promise<void> {
  await Deno.mkdir(ledger.dir, { recursive: true });
  const shards = new Map<string, string[]>();
  for (const [path, size, mtimeMs] of rows) {
    const shard = ledger.shardPath(path);
    if (!shards.has(shard)) shards.set(shard, []);
    shards.get(shard)!.push(`${size}\t${mtimeMs}\t${path}`);
  }
  for (const [shard, lines] of shards) await Deno.writeTextFile(shard, lines.join("\n") + "\n");
}

/** One figure against its baseline and target. */
export interface Figure {
  /** What was measured. */
  label: string;
  /** The figure, formatted with its unit. */
  value: string;
  /** The baseline, formatted with its unit. */
  baseline: string;
  /** figure ÷ baseline (or the measure the target is on). */
  ratio: number;
  /** The target on the ratio. */
  target: { max: number } | { min: number };
}

/** Every figure printed in this run, for the summary. */
export const figures: Figure[] = [];

/** Whether `figure` meets its target. */
export function holds(figure: Figure): boolean {
  return "max" in figure.target
    ? figure.ratio <= figure.target.max
    : figure.ratio >= figure.target.min;
}

/** Prints a section heading. */
export function heading(text: string): void {
  console.log(`\n${text}`);
}

/** Prints one figure as a line (figure, baseline, ratio, target, whether it holds) and keeps it. */
export function report(figure: Figure): void {
  figures.push(figure);
  const target = "max" in figure.target ? `<= ${figure.target.max}` : `>= ${figure.target.min}`;
  console.log(
    `  ${figure.label.padEnd(44)} ${figure.value.padStart(11)}  baseline ${
      figure.baseline.padStart(11)
    }  ratio ${figure.ratio.toFixed(2).padStart(5)}  target ${target.padEnd(7)} ${
      holds(figure) ? "ok" : "MISSED"
    }`,
  );
}

/** Prints a line that is information, not a target. */
export function note(text: string): void {
  console.log(`  ${text}`);
}

/** Builds the bundle (`deno task build`) and returns its path. */
export async function buildBundle(): Promise<string> {
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

/** Formats bytes as MB. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Formats milliseconds. */
export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}
