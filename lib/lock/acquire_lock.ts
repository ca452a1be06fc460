/**
 * Taking a cross-process lock on a file path.
 *
 * The lock is the OS lock (`flock`) on the file at the path, the same lock
 * the Python `agnes` tool's `filelock` takes, so the two tools exclude each
 * other. A holder writes an owner record into the file (who, since when, for
 * what) and clears it on release; the file stays in place (`_lock_file.ts`
 * says why). A holder that dies loses its OS lock with its process, so a
 * lock is never stale: the next taker simply locks the file. Whatever sits
 * at the lock path that is not a regular file (a link, a folder, a FIFO) is
 * never followed and counts as held until the caller's deadline.
 *
 * @module
 */

import { lockOpenedFile, type NotTakenReason, openLockFile } from "./_lock_file.ts";
import type { HeldLock } from "./held_lock.ts";

/** Options for {@linkcode acquireLock} and {@linkcode withLock}. */
export interface LockOptions {
  /** How long to wait for the lock, in ms; `0` tries once. Default 10 000. */
  timeoutMs?: number;
  /** Recorded in the owner record. Default `"lock"`. */
  purpose?: string;
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

/** One attempt: the lock, or why it was not taken. */
async function tryLock(path: string, purpose: string): Promise<HeldLock | NotTakenReason> {
  const file = await openLockFile(path);
  return typeof file === "string" ? file : lockOpenedFile(path, file, purpose);
}

/**
 * Takes the lock at `path`, trying again with jittered, capped back-off until
 * `timeoutMs` has passed (see the module doc).
 *
 * Requires `--allow-read`, `--allow-write` and `--allow-sys=hostname` (the
 * owner record names the host).
 *
 * @throws {LockTimeoutError} when the lock is still held (or the path is not
 * a lock file) at the deadline; its message says which.
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
  const { timeoutMs = 10_000, purpose = "lock", maxBackoffMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0;; attempt++) {
    const held = await tryLock(path, purpose);
    if (typeof held !== "string") return held;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new LockTimeoutError(`Cannot take lock "${path}" within ${timeoutMs} ms: ${held}`);
    }
    const backoff = Math.min(maxBackoffMs, 1 + 2 ** Math.min(attempt, 10));
    await sleep(Math.min(remaining, backoff / 2 + Math.random() * backoff / 2));
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
