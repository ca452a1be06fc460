import { assertEquals, assertThrows } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { Workspace, WorkspaceNotFoundError } from "../../mod.ts";
import { findWorkspaceFrom } from "../../lib/store/_find_workspace.ts";

Deno.test("findWorkspaceFrom() finds the nearest folder up whose .claude/ holds our files", async () => {
  await using workspace = await tempWorkspace();
  await Deno.mkdir(`${workspace.root}/a/b/c`, { recursive: true });
  assertEquals(findWorkspaceFrom(`${workspace.root}/a/b/c`), undefined);
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("privateList"), "s\n");
  assertEquals(findWorkspaceFrom(`${workspace.root}/a/b/c`), workspace.root);
  // A .claude/ with only Claude Code's own files does not count...
  await Deno.mkdir(`${workspace.root}/a/.claude`);
  await Deno.writeTextFile(`${workspace.root}/a/.claude/settings.json`, '{"model": "x"}');
  assertEquals(findWorkspaceFrom(`${workspace.root}/a/b`), workspace.root);
  // ...a settings file naming the capture hook does.
  await Deno.writeTextFile(
    `${workspace.root}/a/.claude/settings.local.json`,
    '{"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "agnes-sessions capture-session"}]}]}}',
  );
  assertEquals(findWorkspaceFrom(`${workspace.root}/a/b`), `${workspace.root}/a`);
});

Deno.test("findWorkspaceFrom() never takes the home folder, whose .claude/ is Claude Code's own", async () => {
  await using workspace = await tempWorkspace();
  const home = workspace.root;
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("queue"), "");
  await Deno.mkdir(`${home}/project`);
  const saved = Deno.env.get("HOME");
  Deno.env.set("HOME", home);
  try {
    assertEquals(findWorkspaceFrom(`${home}/project`), undefined);
  } finally {
    if (saved === undefined) Deno.env.delete("HOME");
    else Deno.env.set("HOME", saved);
  }
});

Deno.test("Workspace.resolve() refuses a named folder that does not exist, creating nothing", async () => {
  await using workspace = await tempWorkspace();
  const missing = `${workspace.root}/missing`;
  const error = assertThrows(() => Workspace.resolve(missing), WorkspaceNotFoundError);
  assertEquals(
    error.message,
    `Cannot use workspace "${missing}" (from --workspace): no such folder`,
  );
  assertEquals([...Deno.readDirSync(workspace.root)], []);
  const made = await new Workspace(missing).ensureStateDir().then(() => "made", () => "refused");
  assertEquals(made, "refused"); // writers create .claude/, never the workspace folder itself
});

Deno.test("Workspace.resolve() with checkFolder: false names a missing folder without checking it", async () => {
  await using workspace = await tempWorkspace();
  const missing = `${workspace.root}/missing`;
  assertEquals(Workspace.resolve(missing, { checkFolder: false }).root, missing);
  assertEquals([...Deno.readDirSync(workspace.root)], []);
});
