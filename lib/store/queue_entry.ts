/**
 * One queue row and the entry it stands for: parsing, formatting and
 * deduplication, shared by the queue, its snapshots and the failed log's
 * retry path.
 *
 * Rows are `<session_id>\t<transcript_path>` as captured, or
 * `<session_id>\t<transcript_path>\t<first_failed_iso>` when requeued after a
 * transient failure; a bare `<transcript_path>` is a legacy row.
 *
 * @module
 */

import { formatRow } from "../format/row.ts";
import { parseTimestamp } from "../format/timestamp.ts";

/** One queued transcript. */
export interface QueueEntry {
  /** Claude Code's session id; empty for legacy rows and id-less captures. */
  sessionId: string;
  /** Absolute path of the transcript. */
  path: string;
  /** First-failure stamp `YYYY-MM-DDTHH:MM:SSZ`, or empty when never failed. */
  stamp: string;
}

/**
 * Parses one queue row. Returns `undefined` for a blank row,
 * `"empty_path"` for a row whose path is empty and `"control_character"` for
 * one whose id or path holds a CR or NUL. Only line ends and the spaces
 * around each field are stripped, so the leading TAB of an id-less row keeps
 * its meaning. A stamp that does not parse counts as no stamp.
 */
export function parseQueueLine(
  line: string,
): QueueEntry | "empty_path" | "control_character" | undefined {
  if (line.trim() === "") return undefined;
  const tab = line.indexOf("\t");
  if (tab === -1) return { sessionId: "", path: line.trim(), stamp: "" };
  const sessionId = line.slice(0, tab).trim();
  const next = line.indexOf("\t", tab + 1);
  const path = (next === -1 ? line.slice(tab + 1) : line.slice(tab + 1, next)).trim();
  const stamp = next === -1 ? "" : line.slice(next + 1).trim();
  if (path === "") return "empty_path";
  // deno-lint-ignore no-control-regex
  if (/[\r\u0000]/.test(sessionId + path)) return "control_character"; // could never be written back
  return { sessionId, path, stamp: parseTimestamp(stamp) === undefined ? "" : stamp };
}

/**
 * Formats an entry as a queue row; the stamp column only when stamped.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 */
export function formatQueueRow(entry: QueueEntry): string {
  return entry.stamp === ""
    ? formatRow({ session_id: entry.sessionId, transcript_path: entry.path })
    : formatRow({ session_id: entry.sessionId, transcript_path: entry.path, stamp: entry.stamp });
}

/**
 * Deduplicates entries by (session id, path): the first occurrence keeps its
 * place, and the earliest stamp among the duplicates is kept.
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
