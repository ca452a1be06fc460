/**
 * UTC timestamps in the workspace files' format, `YYYY-MM-DDTHH:MM:SSZ`, and
 * the 30-day retry window.
 *
 * @module
 */

/** How long a transient failure is retried before it is given up: 30 days. */
export const RETRY_WINDOW_MS: number = 30 * 24 * 60 * 60 * 1000;

/**
 * Formats a date as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds).
 */
export function formatTimestamp(date: Date): string {
  // Built from the UTC fields, not toISOString(): its first use in a process
  // costs about 0.15 ms more, and every capture hook writes a stamp.
  if (Number.isNaN(date.getTime())) throw new RangeError("Cannot format timestamp: invalid date");
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${
    pad(date.getUTCDate())
  }T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
}

const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a stamp written by us or by the Python tool; anything else (empty,
 * garbage, no time zone) is `undefined`, which callers treat as "no stamp".
 */
export function parseTimestamp(text: string): Date | undefined {
  if (!STAMP.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Whether a first-failure stamp is past the retry window: strictly older than
 * 30 days before `now`. A missing or unparseable stamp never expires.
 */
export function isRetryExpired(stamp: string, now: Date = new Date()): boolean {
  const first = parseTimestamp(stamp);
  return first !== undefined && now.getTime() - first.getTime() > RETRY_WINDOW_MS;
}
