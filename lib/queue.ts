/**
 * The session queue `W/.claude/agnes-sessions.txt` and its snapshots.
 *
 * Rows are `<session_id>\t<transcript_path>` as captured, or
 * `<session_id>\t<transcript_path>\t<first_failed_iso>` when requeued after a
 * transient failure; a bare `<transcript_path>` is a legacy row. A push renames
 * the queue to a snapshot under the queue lock, so captures that arrive later
 * start a new queue and nothing is written into a file being consumed.
 *
 * @module
 */

import { withLock } from "./lock.ts";
import { formatRow } from "./row.ts";
import { appendLines, readLines, RefusedFileError, retryOnContention } from "./text_file.ts";
import { parseTimestamp } from "./timestamp.ts";
import type { Workspace } from "./workspace.ts";

/** One queued transcript. */
export interface QueueEntry {
  /** Claude Code's session id; empty for legacy rows and id-less captures. */
  sessionId: string;
  /** Absolute path of the transcript. */
  path: string;
  /** First-failure stamp `YYYY-MM-DDTHH:MM:SSZ`, or empty when never failed. */
  stamp: string;
}

/** A row that could not be parsed: reported in the failed log, never silently dropped. */
export interface MalformedRow {
  /** The file it was read from. */
  file: string;
  /** `overlong`, `nul_byte`, `invalid_utf8` or `empty_path`. */
  reason: string;
  /** The start of the row with control characters blanked, for the log. */
  preview: string;
}

/** What a queue or snapshot file holds. */
export interface QueueContents {
  /** Parsed entries, deduplicated, in file order. */
  entries: QueueEntry[];
  /** Rows that could not be parsed. */
  malformed: MalformedRow[];
}

/** How long capture waits for the queue lock before giving up: about 1 s. */
export const CAPTURE_LOCK_TIMEOUT_MS = 1_000;

/**
 * Parses one queue row (SPEC section 3). Returns `undefined` for a blank row
 * and `"empty_path"` for a row whose path is empty. Only line ends and the
 * spaces around each field are stripped, so the leading TAB of an id-less row
 * keeps its meaning.
 *
 * @example
 * ```ts
 * import { parseQueueLine } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseQueueLine("abc\t/p/abc.jsonl"), { sessionId: "abc", path: "/p/abc.jsonl", stamp: "" });
 * deepStrictEqual(parseQueueLine("/p/legacy.jsonl"), { sessionId: "", path: "/p/legacy.jsonl", stamp: "" });
 * deepStrictEqual(parseQueueLine("\t/p/x.jsonl\t2026-01-01T00:00:00Z"), {
 *   sessionId: "",
 *   path: "/p/x.jsonl",
 *   stamp: "2026-01-01T00:00:00Z",
 * });
 * deepStrictEqual(parseQueueLine("   "), undefined);
 * ```
 */
export function parseQueueLine(line: string): QueueEntry | "empty_path" | undefined {
  if (line.trim() === "") return undefined;
  const tab = line.indexOf("\t");
  if (tab === -1) return { sessionId: "", path: line.trim(), stamp: "" };
  const sessionId = line.slice(0, tab).trim();
  const next = line.indexOf("\t", tab + 1);
  const path = (next === -1 ? line.slice(tab + 1) : line.slice(tab + 1, next)).trim();
  const stamp = next === -1 ? "" : line.slice(next + 1).trim();
  if (path === "") return "empty_path";
  return { sessionId, path, stamp: parseTimestamp(stamp) === undefined ? "" : stamp };
}

/**
 * Deduplicates entries by (session id, path): the first occurrence keeps its
 * place, and the earliest stamp among the duplicates is kept.
 *
 * @example
 * ```ts
 * import { dedupeEntries } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const entries = dedupeEntries([
 *   { sessionId: "a", path: "/a.jsonl", stamp: "2026-02-01T00:00:00Z" },
 *   { sessionId: "b", path: "/a.jsonl", stamp: "" },
 *   { sessionId: "a", path: "/a.jsonl", stamp: "2026-01-01T00:00:00Z" },
 * ]);
 * deepStrictEqual(entries.map((entry) => [entry.sessionId, entry.stamp]), [["a", "2026-01-01T00:00:00Z"], ["b", ""]]);
 * ```
 */
export function dedupeEntries(entries: Iterable<QueueEntry>): QueueEntry[] {
  const byKey = new Map<string, QueueEntry>();
  for (const entry of entries) {
    const key = `${entry.sessionId}\t${entry.path}`;
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { ...entry });
    else seen.stamp = earlierStamp(seen.stamp, entry.stamp);
  }
  return [...byKey.values()];
}

function earlierStamp(a: string, b: string): string {
  const [first, second] = [parseTimestamp(a), parseTimestamp(b)];
  if (first === undefined) return second === undefined ? "" : b;
  if (second === undefined) return a;
  return second < first ? b : a;
}

/**
 * Reads a queue or snapshot file in bounded chunks. A missing file reads as
 * empty; a symbolic link is refused (`RefusedFileError`).
 *
 * @example
 * ```ts
 * import { readQueueFile } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\t/a.jsonl\na\t/a.jsonl\n\n/legacy.jsonl\r\n");
 * const { entries, malformed } = await readQueueFile(path);
 * deepStrictEqual(entries.map((entry) => entry.path), ["/a.jsonl", "/legacy.jsonl"]);
 * deepStrictEqual(malformed, []);
 * await Deno.remove(path);
 * ```
 */
export async function readQueueFile(path: string): Promise<QueueContents> {
  const entries: QueueEntry[] = [];
  const malformed: MalformedRow[] = [];
  for await (const row of readLines(path)) {
    if (!row.ok) {
      malformed.push({ file: path, reason: row.reason, preview: row.preview });
      continue;
    }
    const parsed = parseQueueLine(row.text);
    if (parsed === "empty_path") {
      malformed.push({ file: path, reason: parsed, preview: row.text.replaceAll("\t", " ") });
    } else if (parsed !== undefined) {
      entries.push(parsed);
    }
  }
  return { entries: dedupeEntries(entries), malformed };
}

/** Formats an entry as a queue row; the stamp column only when stamped. */
export function formatQueueRow(entry: QueueEntry): string {
  return entry.stamp === ""
    ? formatRow({ session_id: entry.sessionId, transcript_path: entry.path })
    : formatRow({ session_id: entry.sessionId, transcript_path: entry.path, stamp: entry.stamp });
}

/** Options for {@linkcode appendToQueue} and {@linkcode requeueEntries}. */
export interface QueueWriteOptions {
  /** How long to wait for the queue lock, in ms. Default 10 000. */
  lockTimeoutMs?: number;
}

/**
 * Appends entries to the live queue under the queue lock, creating `.claude/`
 * and the queue as needed, and syncs them before returning. The whole
 * open, write and close happens inside the lock, so a row can never land in
 * a queue that a push has already renamed to a snapshot.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 * @throws {LockTimeoutError} when the queue lock stays held.
 *
 * @example
 * ```ts
 * import { appendToQueue, readQueueFile, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendToQueue(workspace, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * deepStrictEqual(await Deno.readTextFile(workspace.file("queue")), "s1\t/t/s1.jsonl\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function appendToQueue(
  workspace: Workspace,
  entries: readonly QueueEntry[],
  options: QueueWriteOptions = {},
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(formatQueueRow);
  await workspace.ensureStateDir();
  await withLock(workspace.file("queueLock"), () => appendLines(workspace.file("queue"), rows), {
    purpose: "append",
    timeoutMs: options.lockTimeoutMs ?? 10_000,
  });
}

/**
 * Puts entries back on the live queue after a push could not finish them:
 * they follow any rows captured meanwhile. An empty list writes nothing.
 */
export const requeueEntries: (
  workspace: Workspace,
  entries: readonly QueueEntry[],
  options?: QueueWriteOptions,
) => Promise<void> = appendToQueue;

const SNAPSHOT_NAME = /^agnes-sessions\.snapshot\.\d+(?:\.[0-9a-f]{8})?\.txt$/;

function randomHex8(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Atomically renames the live queue to a fresh snapshot
 * `agnes-sessions.snapshot.<pid>.<8 hex>.txt` under the queue lock and
 * returns its path; `undefined` when there is no queue.
 *
 * @example
 * ```ts
 * import { appendToQueue, snapshotQueue, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await snapshotQueue(workspace), undefined);
 * await appendToQueue(workspace, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * const snapshot = await snapshotQueue(workspace);
 * deepStrictEqual(await Deno.readTextFile(snapshot!), "s1\t/t/s1.jsonl\n");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function snapshotQueue(
  workspace: Workspace,
  options: QueueWriteOptions = {},
): Promise<string | undefined> {
  if (!await workspace.hasStateDir()) return undefined;
  const queue = workspace.file("queue");
  const snapshot = `${workspace.stateDir}/agnes-sessions.snapshot.${Deno.pid}.${randomHex8()}.txt`;
  return await withLock(workspace.file("queueLock"), async () => {
    try {
      const info = await Deno.lstat(queue);
      if (info.isSymlink) {
        throw new RefusedFileError(`Cannot snapshot the queue ${queue}: it is a symbolic link`);
      }
      await retryOnContention(() => Deno.rename(queue, snapshot));
      return snapshot;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  }, { purpose: "snapshot", timeoutMs: options.lockTimeoutMs ?? 10_000 });
}

/**
 * Lists recovery snapshots left by earlier pushes (new and old-style names),
 * oldest first by modification time. Symbolic links are not listed.
 *
 * @example
 * ```ts
 * import { listSnapshots, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await listSnapshots(workspace), []);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function listSnapshots(workspace: Workspace): Promise<string[]> {
  const found: { path: string; mtime: number }[] = [];
  try {
    for await (const entry of Deno.readDir(workspace.stateDir)) {
      if (!entry.isFile || !SNAPSHOT_NAME.test(entry.name)) continue;
      const path = `${workspace.stateDir}/${entry.name}`;
      try {
        found.push({ path, mtime: (await Deno.lstat(path)).mtime?.getTime() ?? 0 });
      } catch {
        // Consumed by a concurrent push between the listing and the stat.
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  found.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
  return found.map((snapshot) => snapshot.path);
}

/**
 * Deletes a consumed snapshot; one that is already gone is fine.
 *
 * @example
 * ```ts
 * import { discardSnapshot } from "@agnes/sessions";
 *
 * const path = await Deno.makeTempFile();
 * await discardSnapshot(path);
 * await discardSnapshot(path);
 * ```
 */
export async function discardSnapshot(path: string): Promise<void> {
  try {
    await retryOnContention(() => Deno.remove(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
