/**
 * Taking a cross-process lock on a file path, recovering from dead holders.
 *
 * A holder creates the lock file exclusively (`createNew`), takes an OS lock
 * on its open handle (released by the kernel when the process dies), and
 * writes an owner record. A contender that finds the file probes that OS
 * lock and breaks the lock only when it is provably stale (`_stale_lock.ts`).
 *
 * The Python `agnes` tool `flock`s the same files and leaves them behind empty:
 * a held Python lock probes as held, a leftover empty file as stale.
 *
 * @module
 */

import { retryOnContention } from "../fs/_retry_on_contention.ts";
import { HeldLock } from "./held_lock.ts";
import { newLockOwner } from "./owner_record.ts";
import { probeExistingLock } from "./_stale_lock.ts";

/** Options for {@linkcode acquireLock} and {@linkcode withLock}. */
export interface LockOptions {
  /** How long to wait for the lock, in ms; `0` tries once. Default 10 000. */
  timeoutMs?: number;
  /** Recorded in the owner record. Default `"lock"`. */
  purpose?: string;
  /**
   * How old a lock file with an incomplete owner record must be before it is
   * treated as stale, in ms (covers a holder between its create and its OS
   * lock). Default 2 000.
   */
  graceMs?: number;
  /** Longest single back-off sleep, in ms. Default 50. */
  maxBackoffMs?: number;
}

/**
 * Thrown when a lock could not be taken within the caller's timeout.
 *
 * @example
 * ```ts
 * import { acquireLock, LockTimeoutError } from "@agnes/sessions";
 * import { rejects } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const held = await acquireLock(`${dir}/x.lock`);
 * await rejects(acquireLock(`${dir}/x.lock`, { timeoutMs: 0 }), LockTimeoutError);
 * await held.release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class LockTimeoutError extends Error {
  /** Always `"LockTimeoutError"`. */
  override name = "LockTimeoutError";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock at `path`, waiting up to `timeoutMs` with jittered, capped
 * back-off and breaking stale locks on the way (see the module doc).
 *
 * @throws {LockTimeoutError} when the lock stays held past the timeout.
 *
 * @example
 * ```ts
 * import { acquireLock } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const held = await acquireLock(`${dir}/agnes-push.lock`, { purpose: "push", timeoutMs: 0 });
 * try {
 *   deepStrictEqual(held.owner.purpose, "push"); // one push at a time
 * } finally {
 *   await held.release();
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const { timeoutMs = 10_000, purpose = "lock", graceMs = 2_000, maxBackoffMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0;; attempt++) {
    let file: Deno.FsFile | undefined;
    try {
      file = await retryOnContention(() =>
        Promise.resolve(Deno.openSync(path, { read: true, write: true, createNew: true }))
      );
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    if (file !== undefined) {
      const waitMs = Math.min(graceMs, Math.max(deadline - Date.now(), 50));
      const held = await claim(path, file, purpose, waitMs);
      if (held !== undefined) return held;
    } else if (await probeExistingLock(path, graceMs)) {
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new LockTimeoutError(`Cannot take lock "${path}": still held after ${timeoutMs} ms`);
    }
    const backoff = Math.min(maxBackoffMs, 1 + 2 ** Math.min(attempt, 10));
    await sleep(Math.min(remaining, backoff / 2 + Math.random() * backoff / 2));
  }
}

/** Takes the OS lock on a file we just created and writes our owner record. */
async function claim(
  path: string,
  file: Deno.FsFile,
  purpose: string,
  waitMs: number,
): Promise<HeldLock | undefined> {
  try {
    // A contender may be probing this very file for a moment; a foreign
    // process (the Python tool) may have opened and locked it for longer.
    const until = Date.now() + waitMs;
    while (!file.tryLockSync(true)) {
      if (Date.now() >= until) {
        file.close();
        return undefined;
      }
      await sleep(1);
    }
    const owner = newLockOwner(purpose);
    file.writeSync(new TextEncoder().encode(JSON.stringify(owner) + "\n"));
    return new HeldLock(path, owner, file);
  } catch (error) {
    file.close();
    try {
      Deno.removeSync(path);
    } catch {
      // Left for the stale-lock check of the next contender.
    }
    throw error;
  }
}

/**
 * Runs `fn` while holding the lock at `path`, and releases it afterwards
 * whatever `fn` does.
 *
 * @throws {LockTimeoutError} when the lock stays held past the timeout.
 *
 * @example
 * ```ts
 * import { withLock } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const answer = await withLock(`${dir}/agnes-queue.lock`, () => 42, { timeoutMs: 1000 });
 * deepStrictEqual(answer, 42);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function withLock<T>(
  path: string,
  fn: () => T | Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const held = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}
