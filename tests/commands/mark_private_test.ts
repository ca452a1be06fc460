import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { readIfExists, runCli, tempWorkspace } from "../_helpers.ts";
import { addPrivateSession, isPrivateSession, readPrivateList } from "../../mod.ts";

Deno.test("mark-private from concurrent processes loses no id", async () => {
  await using workspace = await tempWorkspace();
  const ids = Array.from({ length: 12 }, (_, i) => `id-${i}`);
  const results = await Promise.all(
    ids.map((id) => runCli(["mark-private", id, "--workspace", workspace.root])),
  );
  assert(results.every((result) => result.code === 0));
  assertEquals(new Set(await readPrivateList(workspace)), new Set(ids));
});

Deno.test("mark-private with a missing or blank id exits 1 naming the variable", async () => {
  await using workspace = await tempWorkspace();
  for (const env of [{}, { CLAUDE_CODE_SESSION_ID: "  ", CLAUDE_SESSION_ID: "" }]) {
    const result = await runCli(["mark-private", "--workspace", workspace.root], { env });
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, "CLAUDE_CODE_SESSION_ID");
  }
  assertEquals(await workspace.hasStateDir(), false);
});

Deno.test("mark-private writes the id from the argument or the environment; twice says already marked", async () => {
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

Deno.test("unmark-private removes the id; an unknown id is not an error", async () => {
  await using workspace = await tempWorkspace();
  await addPrivateSession(workspace, "abc");
  const removed = await runCli(["unmark-private", "abc", "--workspace", workspace.root]);
  assertEquals(removed.code, 0);
  assertEquals(await isPrivateSession(workspace, "abc"), false);
  const again = await runCli(["unmark-private", "abc", "--workspace", workspace.root]);
  assertEquals(again.code, 0);
  assertStringIncludes(again.stdout, "was not marked private");
});

Deno.test("mark-private run from a subfolder of the workspace marks the workspace's list, where push looks", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("queue"), "s1\t/t/s1.jsonl\n");
  await Deno.mkdir(`${workspace.root}/src/deep`, { recursive: true });
  const result = await runCli(["mark-private"], {
    cwd: `${workspace.root}/src/deep`,
    env: { CLAUDE_CODE_SESSION_ID: "s1" },
  });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(await readPrivateList(workspace), new Set(["s1"]));
  assertEquals(
    await readIfExists(`${workspace.root}/src/deep/.claude/agnes-sessions-private.txt`),
    undefined,
  );
});

Deno.test("mark-private and push with a --workspace that does not exist exit 1 naming it and create nothing", async () => {
  await using workspace = await tempWorkspace();
  const missing = `${workspace.root}/no-such-folder`;
  for (
    const args of [["mark-private", "s1", "--workspace", missing], ["push", "--workspace", missing]]
  ) {
    const result = await runCli(args, { env: { AGNES_TOKEN: "t" } });
    assertEquals(result.code, 1, args.join(" "));
    assertStringIncludes(result.stderr, `"${missing}"`);
  }
  for (const command of ["capture-session", "statusline"]) {
    const result = await runCli([command, "--workspace", missing], {
      stdin: JSON.stringify({ session_id: "s1", transcript_path: "/t/s1.jsonl" }),
    });
    assertEquals([result.code, result.stdout], [0, ""]);
  }
  const env = await runCli(["capture-session"], {
    stdin: JSON.stringify({ session_id: "s1", transcript_path: "/t/s1.jsonl" }),
    env: { CLAUDE_PROJECT_DIR: missing },
  });
  assertEquals(env.code, 0);
  assertEquals([...Deno.readDirSync(workspace.root)], []);
});
