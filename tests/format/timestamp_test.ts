import { assertEquals, assertThrows } from "../_assert.ts";
import {
  formatTimestamp,
  isRetryExpired,
  parseTimestamp,
  RETRY_WINDOW_MS,
} from "../../lib/format/timestamp.ts";

Deno.test("isRetryExpired() keeps exactly 30 days, expires older, and never expires an empty or garbage stamp", () => {
  const now = new Date(Date.UTC(2026, 10, 24, 12));
  const ago = (ms: number) => formatTimestamp(new Date(now.getTime() - ms));
  assertEquals(isRetryExpired(ago(RETRY_WINDOW_MS), now), false);
  assertEquals(isRetryExpired(ago(RETRY_WINDOW_MS + 1000), now), true);
  assertEquals(isRetryExpired(ago(0), now), false);
  assertEquals(isRetryExpired("", now), false);
  assertEquals(isRetryExpired("not-a-date", now), false);
  assertEquals(isRetryExpired("2026-13-45T99:99:99Z", now), false);
});

Deno.test("formatTimestamp() agrees with toISOString to the second, leap days and year ends included", () => {
  const dates = [
    Date.UTC(1970, 0, 1),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29, 12, 0, 0),
    Date.UTC(2024, 1, 29, 23, 59, 59, 500),
    Date.UTC(2100, 2, 1, 0, 0, 1),
  ];
  let seed = 7;
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31; // deterministic spread over 1970..2205
    dates.push(seed * 3_456);
  }
  for (const ms of dates) {
    const date = new Date(ms);
    assertEquals(formatTimestamp(date), date.toISOString().slice(0, 19) + "Z");
  }
  assertThrows(() => formatTimestamp(new Date(NaN)), RangeError);
});

Deno.test("parseTimestamp() reads a UTC stamp to the second and gives undefined for anything else", () => {
  assertEquals(parseTimestamp("2026-01-02T03:04:05Z")?.getTime(), Date.UTC(2026, 0, 2, 3, 4, 5));
  assertEquals(parseTimestamp("yesterday"), undefined);
});
