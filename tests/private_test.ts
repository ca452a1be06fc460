import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";
import { readIfExists, runCli, tempWorkspace } from "./_helpers.ts";
import {
  addPrivateSession,
  isPrivateSession,
  readPrivateList,
  readQueueFile,
  removePrivateSession,
} from "../mod.ts";

Deno.test("private list: a missing file means not private, and reads never create .claude/", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await isPrivateSession(workspace, "abc"), false);
  assertEquals((await readPrivateList(workspace)).size, 0);
  assertEquals(await workspace.hasStateDir(), false);
});

Deno.test("private list: an empty id is never private, and adding it is a no-op", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await addPrivateSession(workspace, "  "), false);
  assertEquals(await workspace.hasStateDir(), false);
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "\n\n");
  assertEquals(await isPrivateSession(workspace, ""), false);
});

Deno.test("private list: add creates the file, is idempotent, and is visible at once", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await addPrivateSession(workspace, "abc"), true);
  assertEquals(await isPrivateSession(workspace, "abc"), true);
  assertEquals(await addPrivateSession(workspace, "abc"), false);
  assertEquals(await Deno.readTextFile(workspace.file("privateList")), "abc\n");
});

Deno.test("private list: blank lines, CRLF and a leading BOM are ignored", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "\uFEFFone\r\n\r\n  two  \n");
  assertEquals([...await readPrivateList(workspace)], ["one", "two"]);
});

Deno.test("private list: an id with TAB, CR, LF or NUL is refused", async () => {
  await using workspace = await tempWorkspace();
  await assertRejects(() => addPrivateSession(workspace, "a\tb"), TypeError);
  await assertRejects(() => addPrivateSession(workspace, "a\nb"), TypeError);
});

Deno.test("private list: a torn last line gets its own line before the next id", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "one");
  await addPrivateSession(workspace, "two");
  assertEquals(await Deno.readTextFile(workspace.file("privateList")), "one\ntwo\n");
});

Deno.test("private list: unmark removes by an atomic rewrite, keeping the others", async () => {
  await using workspace = await tempWorkspace();
  await addPrivateSession(workspace, "one");
  await addPrivateSession(workspace, "two");
  assertEquals(await removePrivateSession(workspace, "one"), true);
  assertEquals(await removePrivateSession(workspace, "one"), false);
  assertEquals(await Deno.readTextFile(workspace.file("privateList")), "two\n");
  const leftovers = [...Deno.readDirSync(workspace.stateDir)].filter((e) =>
    e.name.endsWith(".tmp")
  );
  assertEquals(leftovers, []);
});

Deno.test("mark-private: concurrent writers lose no id", async () => {
  await using workspace = await tempWorkspace();
  const ids = Array.from({ length: 12 }, (_, i) => `id-${i}`);
  const results = await Promise.all(
    ids.map((id) => runCli(["mark-private", id, "--workspace", workspace.root])),
  );
  assert(results.every((result) => result.code === 0));
  assertEquals(new Set(await readPrivateList(workspace)), new Set(ids));
});

Deno.test("mark-private: missing or blank id exits 1 naming the variable", async () => {
  await using workspace = await tempWorkspace();
  for (const env of [{}, { CLAUDE_CODE_SESSION_ID: "  ", CLAUDE_SESSION_ID: "" }]) {
    const result = await runCli(["mark-private", "--workspace", workspace.root], { env });
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, "CLAUDE_CODE_SESSION_ID");
  }
  assertEquals(await workspace.hasStateDir(), false);
});

Deno.test("mark-private: writes the id from the argument or the environment; twice says already marked", async () => {
  await using workspace = await tempWorkspace();
  const first = await runCli(["mark-private", "--workspace", workspace.root], {
    env: { CLAUDE_CODE_SESSION_ID: "from-env" },
  });
  assertEquals(first.code, 0);
  assertStringIncludes(first.stdout, "from-env");
  const fallback = await runCli(["mark-private", "--workspace", workspace.root], {
    env: { CLAUDE_SESSION_ID: "older-var" },
  });
  assertEquals(fallback.code, 0);
  const second = await runCli(["mark-private", "from-env", "--workspace", workspace.root]);
  assertEquals(second.code, 0);
  assertStringIncludes(second.stdout, "already marked");
  assertEquals(await Deno.readTextFile(workspace.file("privateList")), "from-env\nolder-var\n");
});

Deno.test("unmark-private: removes the id; an unknown id is not an error", async () => {
  await using workspace = await tempWorkspace();
  await addPrivateSession(workspace, "abc");
  const removed = await runCli(["unmark-private", "abc", "--workspace", workspace.root]);
  assertEquals(removed.code, 0);
  assertEquals(await isPrivateSession(workspace, "abc"), false);
  const again = await runCli(["unmark-private", "abc", "--workspace", workspace.root]);
  assertEquals(again.code, 0);
  assertStringIncludes(again.stdout, "was not marked private");
});

const statusline = (root: string, stdin: string) =>
  runCli(["statusline", "--workspace", root], { stdin });

Deno.test("statusline: a private session shows the indicator", async () => {
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

Deno.test("privacy: marked before capture → never queued; unmarked sessions queue normally", async () => {
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
