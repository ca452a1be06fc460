import { assertEquals } from "../_assert.ts";
import { malformedFailures } from "../../lib/store/failed_log.ts";

Deno.test("malformedFailures() logs a malformed row as 'malformed' with no session id, its reason in brackets before its preview", () => {
  assertEquals(malformedFailures([{ file: "/q", reason: "nul_byte", preview: "a b" }]), [
    { sessionId: "", reason: "malformed", path: "[nul_byte] a b" },
  ]);
});
