/** Helpers for the lock tests: stale locks and contender processes. */

import type { LockOwner } from "../mod.ts";
import { FIXTURES } from "./_helpers.ts";

export const CONTENDER = `${FIXTURES}lock_contender.ts`;
export const PYTHON_LOCK = `${FIXTURES}python_lock.py`;

/** A Python interpreter that has `filelock`, else plain `python3` (the fixture then emulates it). */
export async function python(): Promise<string> {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = await new Deno.Command(candidate, {
      args: ["-c", "import filelock"],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => ({ code: 1 }));
    if (probe.code === 0) return candidate;
  }
  return "python3";
}

/** A lock file left by a process that died: complete owner record, no OS lock. */
export async function plantStaleLock(path: string): Promise<void> {
  const owner: LockOwner = {
    pid: 999_999,
    host: "elsewhere",
    token: "stale-token",
    created: new Date(0).toISOString(),
    purpose: "crashed",
  };
  await Deno.writeTextFile(path, JSON.stringify(owner) + "\n");
}

export function spawnContender(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CONTENDER, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

export async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text.trim();
}
