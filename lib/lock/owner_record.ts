/**
 * The owner record a lock holder writes into the lock file: who holds it,
 * since when and for what. It tells `status` who is holding the workspace
 * up; the lock itself is the OS lock on the file.
 *
 * @module
 */

import { formatTimestamp } from "../format/timestamp.ts";
import { readTextFileBounded } from "../fs/read_bounded.ts";

/** Who holds a lock, as written in the lock file. */
export interface LockOwner {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder. */
  host: string;
  /** Random token that tells this acquisition apart from any other. */
  token: string;
  /** When the lock was taken, `YYYY-MM-DDTHH:MM:SSZ`. */
  created: string;
  /** What the lock is held for, e.g. `append` or `push`. */
  purpose: string;
}

/** The most of a lock file we read when looking for its owner record. */
export const OWNER_RECORD_LIMIT = 4096;

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

/**
 * A fresh owner record for this process, with a new token.
 */
export function newLockOwner(purpose: string): LockOwner {
  return {
    pid: Deno.pid,
    host: currentHost(),
    token: acquisitionToken(),
    created: formatTimestamp(new Date()),
    purpose,
  };
}

/**
 * Parses an owner record; `undefined` unless every field is present.
 */
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

/**
 * Reads the owner record at the start of an open lock file (at most
 * {@linkcode OWNER_RECORD_LIMIT} bytes).
 */
export function readOwnerRecord(file: Deno.FsFile): string {
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
    const text = readTextFileBounded(path, OWNER_RECORD_LIMIT);
    return Promise.resolve(text === undefined ? undefined : parseLockOwner(text));
  } catch {
    return Promise.resolve(undefined); // not a regular file, or larger than any record of ours
  }
}
