import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { findGitExclude, withExcludeLine } from "../../lib/install/_git_exclude.ts";
import { git } from "./_env.ts";

const FILE = ".claude/settings.local.json";

Deno.test("findGitExclude() finds the repository's info/exclude from its root and from a subfolder", async () => {
  await using dir = await tempWorkspace();
  await git(dir.root, "init", "-q");
  await Deno.mkdir(`${dir.root}/team/analysis`, { recursive: true });
  assertEquals(findGitExclude(dir.root, FILE), {
    state: "found",
    excludePath: `${dir.root}/.git/info/exclude`,
    line: FILE,
  });
  assertEquals(findGitExclude(`${dir.root}/team/analysis`, FILE), {
    state: "found",
    excludePath: `${dir.root}/.git/info/exclude`,
    line: `team/analysis/${FILE}`,
  });
});

Deno.test("findGitExclude() in a linked worktree uses the main repository's info/exclude (git reads it there)", async () => {
  await using dir = await tempWorkspace();
  await Deno.mkdir(`${dir.root}/main`);
  await git(`${dir.root}/main`, "init", "-q");
  await git(`${dir.root}/main`, "commit", "-q", "--allow-empty", "-m", "start");
  await git(`${dir.root}/main`, "worktree", "add", "-q", `${dir.root}/linked`);
  const found = findGitExclude(`${dir.root}/linked`, FILE);
  assertEquals(found, {
    state: "found",
    excludePath: `${dir.root}/main/.git/info/exclude`,
    line: FILE,
  });
  // What git itself says: the pattern written there ignores the file in the worktree.
  await Deno.mkdir(`${dir.root}/main/.git/info`, { recursive: true });
  await Deno.writeTextFile(`${dir.root}/main/.git/info/exclude`, `${FILE}\n`);
  assertEquals(await git(`${dir.root}/linked`, "check-ignore", FILE), FILE);
});

Deno.test("findGitExclude() says no-repository outside git, and skips a .git file it cannot follow", async () => {
  await using dir = await tempWorkspace();
  assertEquals(findGitExclude(dir.root, FILE), { state: "no-repository" });
  await Deno.writeTextFile(`${dir.root}/.git`, "not a gitdir line\n");
  assertEquals(findGitExclude(dir.root, FILE).state, "skipped");
});

Deno.test("withExcludeLine() adds the line once, after a final newline", () => {
  const once = withExcludeLine("*.log", FILE)!;
  assertEquals(once, `*.log\n${FILE}\n`);
  assertEquals(withExcludeLine(once, FILE), undefined);
});

Deno.test("withExcludeLine() counts a /-anchored line as present, and starts a missing file", () => {
  assertEquals(withExcludeLine(`/${FILE}\n`, FILE), undefined);
  assertEquals(withExcludeLine(undefined, FILE), `${FILE}\n`);
});
