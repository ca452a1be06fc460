import { assertEquals } from "../_assert.ts";
import { formatRequestLog } from "../../lib/receiver/_request_log.ts";

Deno.test("formatRequestLog() writes whole seconds, bytes received, whole ms and the user or -", () => {
  const upload = formatRequestLog({
    time: new Date("2026-01-02T03:04:05.678Z"),
    method: "POST",
    path: "/api/upload/sessions",
    status: 200,
    received: 65734,
    ms: 12.4,
    user: "analyst",
  });
  assertEquals(upload, "2026-01-02T03:04:05Z POST /api/upload/sessions 200 65734B 12ms analyst");
  const health = formatRequestLog({
    time: new Date("2026-01-02T03:04:06.001Z"),
    method: "GET",
    path: "/api/health",
    status: 200,
    received: 0,
    ms: 0.4,
    user: undefined,
  });
  assertEquals(health, "2026-01-02T03:04:06Z GET /api/health 200 0B 0ms -");
});
