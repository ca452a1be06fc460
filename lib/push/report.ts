/**
 * What a push reports: the same fields on every path, so a script reading
 * `push --json` never meets a missing key.
 *
 * @module
 */

/** A report lists at most this many failures; the rest are counted. */
export const MAX_REPORTED_ERRORS = 100;

/** One failure in a push report: an HTTP status, or an error text. */
export type PushError = { file: string; status: number } | { file: string; error: string };

/** What a push did. */
export interface PushReport {
  /** Transcripts uploaded. */
  sessions: number;
  /** Whether `CLAUDE.local.md` was uploaded. */
  localMd: boolean;
  /** The failures, transient or permanent: the first {@linkcode MAX_REPORTED_ERRORS}. */
  errors: PushError[];
  /** Failures past the first {@linkcode MAX_REPORTED_ERRORS}, counted, not listed. */
  errorsOmitted: number;
  /** Private sessions skipped (and logged). */
  privateSkipped: number;
  /** Entries given up: permanent failures, expired retries, unsafe paths, malformed rows. */
  droppedPermanent: number;
  /** Entries put back on the queue for the next push. */
  requeued: number;
  /** Why entries were requeued (`503`, `network error`, `not_found`, `circuit breaker`, …). */
  requeueReasons: string[];
  /** Entries skipped because the same file was already uploaded unchanged. */
  alreadyUploaded: number;
  /** Transcripts `--scan` found new or changed (0 without `--scan`). */
  scanned: number;
  /** Set when the push stopped on a configuration problem (exit 1). */
  stopped: string | null;
  /** Whether the server rejected the token (401) for something this push sent (exit 1). */
  tokenRejected: boolean;
}

/**
 * A report of a push that did nothing.
 *
 * @example
 * ```ts
 * import { emptyReport } from "./report.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(emptyReport().sessions, 0);
 * deepStrictEqual(emptyReport().stopped, null);
 * ```
 */
export function emptyReport(): PushReport {
  return {
    sessions: 0,
    localMd: false,
    errors: [],
    errorsOmitted: 0,
    privateSkipped: 0,
    droppedPermanent: 0,
    requeued: 0,
    requeueReasons: [],
    alreadyUploaded: 0,
    scanned: 0,
    stopped: null,
    tokenRejected: false,
  };
}
