/**
 * The receiver's log line, one per answered request (`serve` writes them to
 * stderr):
 *
 * ```text
 * 2026-01-02T03:04:05Z POST /api/upload/sessions 200 65734B 12ms analyst
 * ```
 *
 * time (UTC, to the second), method, path (never the query), status, body
 * bytes received, milliseconds, and the user the request's bearer token
 * stands for, or `-`. Never the token itself.
 *
 * @module
 */

import { formatTimestamp } from "../format/timestamp.ts";

/** What one log line says. */
export interface RequestLogEntry {
  /** When the answer was sent. */
  time: Date;
  /** The method, or `-` for a connection refused before a head was read. */
  method: string;
  /** The path, or `-`. */
  path: string;
  /** The status answered. */
  status: number;
  /** Body bytes received. */
  received: number;
  /** How long the request took, in ms. */
  ms: number;
  /** The user the bearer token stands for, when it stands for one. */
  user: string | undefined;
}

/**
 * One log line for an answered request.
 */
export function formatRequestLog(entry: RequestLogEntry): string {
  const { time, method, path, status, received, ms, user } = entry;
  return `${stampOf(time)} ${method} ${path} ${status} ${received}B ${Math.round(ms)}ms ${
    user ?? "-"
  }`;
}

let stampSecond = NaN;
let stampText = "";

/** `time` formatted, the text reused for a whole second (most lines share one). */
function stampOf(time: Date): string {
  const second = Math.floor(time.getTime() / 1000);
  if (second !== stampSecond) {
    stampText = formatTimestamp(time);
    stampSecond = second;
  }
  return stampText;
}
