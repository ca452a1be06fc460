import { assertEquals } from "../_assert.ts";
import { parseRetryAfter, retryWithinRunMs } from "../../lib/http/outcome.ts";

Deno.test("parseRetryAfter() reads seconds as ms and gives undefined for what it cannot parse", () => {
  assertEquals(parseRetryAfter("2"), 2000);
  assertEquals(parseRetryAfter("soon"), undefined);
});

Deno.test("retryWithinRunMs() waits out a short Retry-After on a 429, not a long one nor a 500", () => {
  assertEquals(retryWithinRunMs({ kind: "http", status: 429, retryAfter: "1" }, 0, 5_000), 1000);
  assertEquals(
    retryWithinRunMs({ kind: "http", status: 429, retryAfter: "60" }, 0, 5_000),
    undefined,
  );
  assertEquals(
    retryWithinRunMs({ kind: "http", status: 500, retryAfter: "1" }, 0, 5_000),
    undefined,
  );
});
