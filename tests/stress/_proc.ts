/**
 * Real processes for the stress scenarios, each with a deadline, and the
 * peak resident memory (`VmHWM` in `/proc/<pid>/status`) sampled while it
 * runs.
 */

import { CLI } from "../_helpers.ts";

/** How a measured process ended. */
export interface Finished {
  /** Exit code (128 + n when killed by signal n). */
  code: number;
  /** The signal that ended it, if one did. */
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** The largest `VmHWM` read while it ran, in MiB (0 when it exited before the first read). */
  peakMiB: number;
  /** Whether the deadline was reached and the process SIGKILLed for it. */
  timedOut: boolean;
}

/** Options for {@linkcode runMeasured}. */
export interface MeasureOptions {
  /** Written to stdin, which is then closed (unless `keepStdinOpen`). Default: no stdin. */
  stdin?: string | Uint8Array;
  /** Leave stdin open until the process exits (a hook whose input never ends). */
  keepStdinOpen?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** SIGKILL the process when it runs longer than this. */
  deadlineMs: number;
  /** Called with the process once spawned (to kill it at a chosen instant). */
  onSpawn?: (child: Deno.ChildProcess) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The current `VmHWM` of `pid` in KiB, or `undefined` once it has exited. */
export async function vmHwmKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

/** Kills `child` with `signal`; `false` when it had already exited. */
export function tryKill(child: Deno.ChildProcess, signal: Deno.Signal = "SIGKILL"): boolean {
  try {
    child.kill(signal);
    return true;
  } catch {
    return false;
  }
}

/** Runs `program args` to its end or its deadline, sampling its peak memory. */
export async function runMeasured(
  program: string,
  args: string[],
  options: MeasureOptions,
): Promise<Finished> {
  const started = performance.now();
  const child = new Deno.Command(program, {
    args,
    stdin: options.stdin === undefined && !options.keepStdinOpen ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  }).spawn();
  options.onSpawn?.(child);
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = tryKill(child);
  }, options.deadlineMs);
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  let writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  if (options.stdin !== undefined || options.keepStdinOpen) {
    writer = child.stdin.getWriter();
    const bytes = typeof options.stdin === "string"
      ? new TextEncoder().encode(options.stdin)
      : options.stdin;
    // A child that stops reading (a bounded reader, or one killed) breaks the pipe: fine.
    const written = bytes === undefined ? Promise.resolve() : writer.write(bytes);
    written.then(() => options.keepStdinOpen ? undefined : writer!.close()).catch(() => {});
  }
  let peakKiB = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const kib = await vmHwmKiB(child.pid);
      if (kib !== undefined) peakKiB = Math.max(peakKiB, kib);
      await sleep(3);
    }
  })();
  const status = await child.status;
  running = false;
  clearTimeout(deadline);
  await sampler;
  if (options.keepStdinOpen) await writer?.close().catch(() => {});
  return {
    code: status.code,
    signal: status.signal,
    stdout: await stdout,
    stderr: await stderr,
    ms: Math.round(performance.now() - started),
    peakMiB: Math.round(peakKiB / 1024),
    timedOut,
  };
}

/** `deno run -A --quiet cli.ts ...args`, as arguments for `Deno.execPath()`. */
export function cliArgs(...args: string[]): string[] {
  return ["run", "-A", "--quiet", CLI, ...args];
}

/** Runs the CLI as a real process with a deadline, measured. */
export function runCliMeasured(args: string[], options: MeasureOptions): Promise<Finished> {
  return runMeasured(Deno.execPath(), cliArgs(...args), options);
}

/**
 * Runs at most `limit` of `tasks` at a time; results in order. When one
 * throws, no further task starts, and the first error is thrown once the
 * running ones have ended (so none is left running past its test).
 */
export async function pooled<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const errors: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < tasks.length && errors.length === 0) {
      const index = next++;
      try {
        results[index] = await tasks[index]!();
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  if (errors.length > 0) throw errors[0];
  return results;
}
