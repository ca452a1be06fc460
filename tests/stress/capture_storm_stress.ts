import { assertEquals } from "../_assert.ts";
import { readRows, runCli, tempWorkspace } from "../_helpers.ts";
import { scaled } from "./_scale.ts";

const WRITERS = scaled(8, 4);
const CAPTURES = scaled(25, 10);

/** Runs capture-session in `root` with `stdin`; returns the process result. */
function capture(root: string, stdin: string) {
  return runCli(["capture-session", "--workspace", root], { stdin });
}

const valid = (id: unknown, path: unknown = "/home/me/.claude/projects/-w/s1.jsonl") =>
  JSON.stringify({ session_id: id, transcript_path: path, hook_event_name: "SessionStart" });

Deno.test(`capture-session from ${WRITERS} concurrent processes x ${CAPTURES} captures: every row present and intact`, async () => {
  await using workspace = await tempWorkspace();
  const streams = Array.from({ length: WRITERS }, async (_, writer) => {
    for (let i = 0; i < CAPTURES; i++) {
      const result = await capture(
        workspace.root,
        valid(`w${writer}-${i}`, `/t/w${writer}-${i}.jsonl`),
      );
      assertEquals(result.code, 0);
    }
  });
  await Promise.all(streams);
  const rows = (await Deno.readTextFile(workspace.file("queue"))).split("\n");
  assertEquals(rows.pop(), "");
  const expected = Array.from(
    { length: WRITERS },
    (_, w) => Array.from({ length: CAPTURES }, (_, i) => `w${w}-${i}\t/t/w${w}-${i}.jsonl`),
  ).flat();
  assertEquals(rows.length, WRITERS * CAPTURES);
  assertEquals(new Set(rows), new Set(expected));
  const outcomes = (await readRows(workspace.file("captureLog"))).map((row) => row[1]);
  assertEquals(outcomes.filter((outcome) => outcome === "ok").length, WRITERS * CAPTURES);
});
