import { assertEquals } from "../_assert.ts";
import { dirName } from "../../lib/fs/path.ts";

Deno.test("dirName() gives the folder part and keeps roots", () => {
  assertEquals(dirName("/w/.claude/agnes-sessions.txt"), "/w/.claude");
  assertEquals(dirName("/w/.claude/"), "/w");
  assertEquals(dirName("/x"), "/");
  assertEquals(dirName("C:\\w\\x.txt"), "C:\\w");
  assertEquals(dirName("C:\\x.txt"), "C:\\");
  assertEquals(dirName("x.txt"), ".");
});
