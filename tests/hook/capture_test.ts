import { assertEquals } from "../_assert.ts";
import { readHookPayload } from "../../lib/hook/capture.ts";

Deno.test("readHookPayload() names the hook event of a usable payload and the outcome of an empty one", () => {
  const text = JSON.stringify({
    session_id: "s1",
    transcript_path: "/t/s1.jsonl",
    hook_event_name: "SessionStart",
  });
  const read = readHookPayload(text);
  assertEquals(read.hookEvent, "SessionStart");
  assertEquals(readHookPayload("").capture, { outcome: "empty_stdin", detail: "" });
  assertEquals(readHookPayload("[]").hookEvent, "");
});
