import { assertEquals } from "../_assert.ts";
import { encodeProjectFolder } from "../../lib/claude/transcripts.ts";

Deno.test("encodeProjectFolder() turns each character but letters and digits into '-', a trailing separator dropped", () => {
  assertEquals(encodeProjectFolder("/Users/me/Workspace"), "-Users-me-Workspace");
  assertEquals(encodeProjectFolder("/a/.b"), "-a--b");
  assertEquals(encodeProjectFolder("C:\\Users\\x\\W"), "C--Users-x-W");
  assertEquals(encodeProjectFolder("/srv/w/"), "-srv-w");
});
