import { assertEquals } from "../_assert.ts";
import { encodeProjectFolder, recordedCwd } from "../../lib/claude/transcripts.ts";

Deno.test("encodeProjectFolder() turns each character but letters and digits into '-', a trailing separator dropped", () => {
  assertEquals(encodeProjectFolder("/Users/me/Workspace"), "-Users-me-Workspace");
  assertEquals(encodeProjectFolder("/a/.b"), "-a--b");
  assertEquals(encodeProjectFolder("C:\\Users\\x\\W"), "C--Users-x-W");
  assertEquals(encodeProjectFolder("/srv/w/"), "-srv-w");
});

Deno.test("recordedCwd() finds the cwd on a later row when the first row records none", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(path, '{"type":"summary"}\n{"cwd":"/work/w","type":"user"}\n');
    assertEquals(recordedCwd(path), "/work/w");
  } finally {
    await Deno.remove(path);
  }
});
