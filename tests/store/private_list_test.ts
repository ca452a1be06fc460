import { assertEquals, assertRejects } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import {
  addPrivateSession,
  isPrivateSession,
  readPrivateList,
  removePrivateSession,
} from "../../mod.ts";

Deno.test("readPrivateList() reads a missing file as empty and never creates .claude/", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await isPrivateSession(workspace, "abc"), false);
  assertEquals((await readPrivateList(workspace)).size, 0);
  assertEquals(await workspace.hasStateDir(), false);
});

Deno.test("isPrivateSession() is false for an empty id, and addPrivateSession() of one is a no-op", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await addPrivateSession(workspace, "  "), false);
  assertEquals(await workspace.hasStateDir(), false);
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "\n\n");
  assertEquals(await isPrivateSession(workspace, ""), false);
});

Deno.test("addPrivateSession() creates the file, is idempotent, and is visible at once", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await addPrivateSession(workspace, "abc"), true);
  assertEquals(await isPrivateSession(workspace, "abc"), true);
  assertEquals(await addPrivateSession(workspace, "abc"), false);
  assertEquals(await Deno.readTextFile(workspace.file("privateList")), "abc\n");
});

Deno.test("readPrivateList() ignores blank lines, CRLF and a leading BOM", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "\uFEFFone\r\n\r\n  two  \n");
  assertEquals([...await readPrivateList(workspace)], ["one", "two"]);
});

Deno.test("addPrivateSession() refuses an id with TAB, CR, LF or NUL", async () => {
  await using workspace = await tempWorkspace();
  await assertRejects(() => addPrivateSession(workspace, "a\tb"), TypeError);
  await assertRejects(() => addPrivateSession(workspace, "a\nb"), TypeError);
});

Deno.test("addPrivateSession() starts a new line after a torn last line", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "one");
  await addPrivateSession(workspace, "two");
  assertEquals(await Deno.readTextFile(workspace.file("privateList")), "one\ntwo\n");
});

Deno.test("removePrivateSession() removes by an atomic rewrite, keeping the others", async () => {
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
