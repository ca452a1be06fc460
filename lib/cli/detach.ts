/**
 * Starting a command as a background process that outlives its parent: what
 * the SessionEnd hook uses, since Claude Code may kill hook processes about
 * 1.5 s after a session ends. Our own code, not `nohup … &`, so it works the
 * same on Windows.
 *
 * @module
 */

import { baseName } from "../fs/path.ts";

/**
 * The flags the CLI runs with (`deno compile`, detached runs, benchmarks): its
 * permissions; eager compilation, which lets V8's code cache hold every
 * function and so starts the hooks about 1 ms (a tenth) faster; and a young
 * generation of at most 2 MiB a half, which keeps a push of a million queued
 * rows about 25 MB smaller at its peak (V8 otherwise grows it to 8 MiB a half
 * while the rows stream through).
 */
export const RUN_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys=hostname",
  "--v8-flags=--no-lazy,--max-semi-space-size=2",
];

/**
 * Runs this CLI again with `args` as a detached process with no standard
 * streams, and returns its pid without waiting for it. Under `deno run` the
 * child is `deno run <flags> <main module> …args`; a compiled binary runs
 * itself.
 */
export function spawnDetached(args: readonly string[]): number {
  const executable = Deno.execPath();
  const underDeno = /^deno(\.exe)?$/i.test(baseName(executable));
  const child = new Deno.Command(executable, {
    args: underDeno ? ["run", "--quiet", ...RUN_FLAGS, Deno.mainModule, ...args] : [...args],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  return child.pid;
}
