import { assertEquals } from "../_assert.ts";
import { parseSettings } from "../../lib/claude/settings.ts";

Deno.test("parseSettings() takes a JSON object, and calls an array or broken JSON invalid", () => {
  assertEquals(parseSettings('{"model": "opus"}').state, "ok");
  assertEquals(parseSettings("[1]").state, "invalid");
  assertEquals(parseSettings("null").state, "invalid");
  assertEquals(parseSettings("{oops").state, "invalid");
});
