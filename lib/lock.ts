/**
 * Cross-process locks on a file path that recover from dead holders.
 *
 * A holder creates the lock file exclusively (`createNew`), takes an OS lock
 * on its open handle (released by the kernel when the process dies), and
 * writes an owner record. A contender that finds the file probes that OS
 * lock: held means alive; free means stale, provided the owner record is
 * complete or the file is older than a grace period, and provided the path
 * still names the very file it probed (same device and inode). Only then is
 * the path removed and the create retried.
 *
 * The Python `agnes` tool `flock`s the same files and leaves them behind empty:
 * a held Python lock probes as held, a leftover empty file as stale.
 *
 * @module
 */

import { retryOnContention } from "./text_file.ts";
import { formatTimestamp } from "./timestamp.ts";

/** Who holds a lock, as written in the lock file. */
export interface LockOwner {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder. */
  host: string;
  /** Random token that tells this acquisition apart from any other. */
  token: string;
  /** When the lock was taken, ISO 8601. */
  created: string;
  /** What the lock is held for, e.g. `append` or `push`. */
  purpose: string;
}

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
 *
 * const dir = await Deno.makeTempDir();
 * const held = await acquireLock(`${dir}/x.lock`);
 * try {
 *   await acquireLock(`${dir}/x.lock`, { timeoutMs: 0 });
 * } catch (error) {
 *   console.assert(error instanceof LockTimeoutError);
 * }
 * await held.release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class LockTimeoutError extends Error {
  /** Always `"LockTimeoutError"`. */
  override name = "LockTimeoutError";
}

const OWNER_RECORD_LIMIT = 4096;
let hostName: string | undefined;

function currentHost(): string {
  if (hostName === undefined) {
    try {
      hostName = Deno.hostname();
    } catch {
      hostName = "unknown";
    }
  }
  return hostName;
}

/**
 * A random 32-hex-digit token for one acquisition. `Math.random`, not
 * `crypto`: the token only tells acquisitions apart (the lock's safety rests
 * on the OS lock and the same-file check), and the first use of `crypto` in
 * a process costs about 0.2 ms, a twentieth of a capture hook's run.
 */
function acquisitionToken(): string {
  let token = "";
  for (let part = 0; part < 4; part++) {
    token += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, "0");
  }
  return token;
}

/** Parses an owner record; `undefined` unless every field is present. */
export function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text);
    if (
      typeof value === "object" && value !== null && typeof value.pid === "number" &&
      typeof value.host === "string" && typeof value.token === "string" &&
      typeof value.created === "string" && typeof value.purpose === "string"
    ) {
      return value;
    }
  } catch {
    // An empty, partial or foreign file is simply not a complete record.
  }
  return undefined;
}

function readHead(file: Deno.FsFile): string {
  const buffer = new Uint8Array(OWNER_RECORD_LIMIT);
  file.seekSync(0, Deno.SeekMode.Start);
  let length = 0;
  while (length < buffer.length) {
    const count = file.readSync(buffer.subarray(length));
    if (count === null) break;
    length += count;
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}

/**
 * Reads the owner record of the lock at `path`, for display; `undefined` when
 * there is no lock file or its record is incomplete (a Python-style lock).
 *
 * @example
 * ```ts
 * import { acquireLock, readLockOwner } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const held = await acquireLock(`${dir}/x.lock`, { purpose: "demo" });
 * deepStrictEqual((await readLockOwner(`${dir}/x.lock`))?.purpose, "demo");
 * await held.release();
 * deepStrictEqual(await readLockOwner(`${dir}/x.lock`), undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function readLockOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return Promise.resolve(parseLockOwner(Deno.readTextFileSync(path)));
  } catch {
    return Promise.resolve(undefined);
  }
}

function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  if (a.ino === null || b.ino === null) {
    return a.size === b.size && a.mtime?.getTime() === b.mtime?.getTime() &&
      a.birthtime?.getTime() === b.birthtime?.getTime();
  }
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * One stale-lock probe on an already opened lock file `file` found at `path`.
 * Returns `true` when the caller should retry its create at once (the stale
 * file was removed, or the path no longer names `file`), `false` when the lock
 * is alive (or too young to judge) and the caller should back off.
 *
 * Exported for the race tests; {@linkcode acquireLock} is the API.
 */
export async function breakStaleLock(
  path: string,
  file: Deno.FsFile,
  graceMs: number,
): Promise<boolean> {
  if (!file.tryLockSync(true)) return false;
  try {
    const opened = file.statSync();
    const complete = parseLockOwner(readHead(file)) !== undefined;
    const age = Date.now() - (opened.mtime?.getTime() ?? 0);
    if (!complete && age < graceMs) return false;
    let current: Deno.FileInfo;
    try {
      current = Deno.lstatSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return true;
      throw error;
    }
    if (!sameFile(current, opened)) return true;
    try {
      await retryOnContention(() => Promise.resolve(Deno.removeSync(path)));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return true;
  } finally {
    file.unlockSync();
  }
}

async function probeExisting(path: string, graceMs: number): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true, write: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.Busy) {
      return false; // Windows: a delete is pending or the holder shares no access.
    }
    throw error;
  }
  try {
    return await breakStaleLock(path, file, graceMs);
  } finally {
    file.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lock this process holds. Release it exactly once, or use `await using`.
 */
export class HeldLock implements AsyncDisposable {
  #file: Deno.FsFile | undefined;

  /**
   * Wraps an acquired lock; see {@linkcode acquireLock}.
   *
   * @param path The lock file's path.
   * @param owner The owner record written into it.
   * @param file The open, OS-locked handle.
   */
  constructor(readonly path: string, readonly owner: LockOwner, file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Removes the lock file while still holding the OS lock, but only when the
   * path still names the file we created (same device and inode: the file our
   * token was written into), then closes the handle. Idempotent, and never
   * throws: a lock file that cannot be removed is left with its OS lock
   * dropped, which is exactly the stale lock the next contender breaks, so
   * the work done under the lock is never reported as failed.
   */
  async release(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return;
    this.#file = undefined;
    try {
      if (sameFile(Deno.lstatSync(this.path), file.statSync())) {
        await retryOnContention(() => Promise.resolve(Deno.removeSync(this.path)));
      }
    } catch {
      // Gone already, or left behind stale (see above).
    } finally {
      file.close();
    }
  }

  /** Same as {@linkcode HeldLock.release}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}

/**
 * Takes the lock at `path`, waiting up to `timeoutMs` with jittered, capped
 * back-off and breaking stale locks on the way (see the module doc).
 *
 * @throws {LockTimeoutError} when the lock stays held past the timeout.
 *
 * @example
 * ```ts
 * import { acquireLock } from "@agnes/sessions";
 *
 * const dir = await Deno.makeTempDir();
 * const held = await acquireLock(`${dir}/agnes-push.lock`, { purpose: "push", timeoutMs: 0 });
 * try {
 *   // one push at a time
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
      const held = await claim(
        path,
        file,
        purpose,
        Math.min(graceMs, Math.max(deadline - Date.now(), 50)),
      );
      if (held !== undefined) return held;
    } else if (await probeExisting(path, graceMs)) {
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new LockTimeoutError(`Cannot take lock ${path}: still held after ${timeoutMs} ms`);
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
    const owner: LockOwner = {
      pid: Deno.pid,
      host: currentHost(),
      token: acquisitionToken(),
      created: formatTimestamp(new Date()),
      purpose,
    };
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
