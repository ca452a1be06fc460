/**
 * What `status` reports: the workspace's state, the server's, Claude Code's
 * wiring, and each problem with what to do about it.
 *
 * @module
 */

import type { ServerCheck } from "../http/client.ts";
import type { Installation } from "../install/inspect.ts";
import type { LockState } from "../lock/inspect_lock.ts";

/** A row of one of the logs, as `status` shows it. */
export interface LogRow {
  /** When, `YYYY-MM-DDTHH:MM:SSZ`. */
  time: string;
  /** The rest of the row's fields, in file order. */
  fields: string[];
}

/** A log's size and last rows. */
export interface LogSummary {
  /** Rows in the log. */
  total: number;
  /** The last few rows, oldest first. */
  last: LogRow[];
}

/** One thing that needs the analyst, and what to do. */
export interface Problem {
  /** What is wrong. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

/** Everything `status` found. */
export interface StatusReport {
  /** The workspace folder. */
  workspace: string;
  /** The live queue. */
  queue: {
    /** Entries waiting (deduplicated). */
    entries: number;
    /** Of which requeued after a failure (they carry a first-failure stamp). */
    requeued: number;
    /** The earliest first-failure stamp, or `null`. */
    oldestFailure: string | null;
    /** Rows that cannot be read. */
    malformed: number;
  };
  /** Snapshots a push has not finished (a push running now, or one that died). */
  snapshots: { count: number; oldest: string | null };
  /** The uploaded log. */
  uploads: LogSummary;
  /** The failed log. */
  failures: LogSummary;
  /** The private list and the private-skipped log. */
  privacy: { marked: number | null; skipped: LogSummary };
  /**
   * When the last push finished without a stop, and when the SessionStart hook
   * last started a catch-up push (the stamps' times), or `null`.
   */
  pushes: { lastSuccess: string | null; lastCatchUp: string | null };
  /** The capture hook's breadcrumbs: the last few, and the outcomes of all of them. */
  captures: { last: LogRow[]; outcomes: Record<string, number> };
  /** The queue and push locks. */
  locks: { queue: LockState; push: LockState };
  /** The server, its configuration and, unless offline, what it answered. */
  server: {
    url: string;
    /** Where the URL came from. */
    source: string;
    /** Where the token came from, or `null` when there is none (never the token). */
    tokenSource: string | null;
    /** What the server answered, or `null` when not asked (offline, or no token). */
    check: ServerCheck | null;
  };
  /** What is installed in Claude Code. */
  installation: Installation;
  /** What needs the analyst; empty when healthy. */
  problems: Problem[];
}
