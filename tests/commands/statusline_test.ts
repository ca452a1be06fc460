import { assertEquals } from "../_assert.ts";
import { readIfExists, runCli, tempWorkspace } from "../_helpers.ts";
import { addPrivateSession, readQueueFile } from "../../mod.ts";

const statusline = (root: string, stdin: string) =>
  runCli(["statusline", "--workspace", root], { stdin });

Deno.test("statusline shows the indicator for a private session", async () => {
  await using workspace = await tempWorkspace();
  await addPrivateSession(workspace, "abc");
  const result = await statusline(workspace.root, JSON.stringify({ session_id: "abc", model: {} }));
  assertEquals([result.code, result.stdout, result.stderr], [0, "🔒 agnes-private\n", ""]);
});

for (
  const [name, stdin] of [
    ["not private", JSON.stringify({ session_id: "other" })],
    ["malformed", "{oops"],
    ["id-less", JSON.stringify({ cwd: "/w" })],
    ["empty", ""],
    ["non-object", "[1]"],
    ["a non-string id", JSON.stringify({ session_id: 5 })],
  ]
) {
  Deno.test(`statusline: ${name} input prints nothing, exit 0, creates nothing`, async () => {
    await using workspace = await tempWorkspace();
    const result = await statusline(workspace.root, stdin!);
    assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
    assertEquals(await workspace.hasStateDir(), false);
  });
}

Deno.test("statusline prints nothing and creates nothing for a workspace folder that does not exist", async () => {
  await using workspace = await tempWorkspace();
  const missing = `${workspace.root}/missing`;
  const result = await statusline(missing, JSON.stringify({ session_id: "abc" }));
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  assertEquals([...Deno.readDirSync(workspace.root)], []);
});

Deno.test("mark-private before capture-session: never queued; unmarked sessions queue normally", async () => {
  await using workspace = await tempWorkspace();
  await runCli(["mark-private", "secret", "--workspace", workspace.root]);
  for (const id of ["secret", "public"]) {
    const stdin = JSON.stringify({ session_id: id, transcript_path: `/t/${id}.jsonl` });
    assertEquals(
      (await runCli(["capture-session", "--workspace", workspace.root], { stdin })).code,
      0,
    );
  }
  const { entries } = await readQueueFile(workspace.file("queue"));
  assertEquals(entries.map((entry) => entry.sessionId), ["public"]);
  assertEquals(await readIfExists(workspace.file("privateSkippedLog")), undefined);
});

Deno.test("statusline prints nothing and returns when the private list is a FIFO or a link to /dev/zero", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await new Deno.Command("mkfifo", { args: [workspace.file("privateList")] }).output();
  const fifo = await statusline(workspace.root, JSON.stringify({ session_id: "abc" }));
  assertEquals([fifo.code, fifo.stdout, fifo.stderr], [0, "", ""]);
  await Deno.remove(workspace.file("privateList"));
  await Deno.symlink("/dev/zero", workspace.file("privateList"));
  const zero = await statusline(workspace.root, JSON.stringify({ session_id: "abc" }));
  assertEquals([zero.code, zero.stdout, zero.stderr], [0, "", ""]);
});
