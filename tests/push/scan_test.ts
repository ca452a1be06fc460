import { assertEquals } from "../_assert.ts";
import { readIfExists } from "../_helpers.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { addPrivateSession, Workspace } from "../../mod.ts";
import { encodeProjectFolder } from "../../lib/claude/transcripts.ts";

/** Writes a transcript as Claude Code would for `cwd`, in `folder` (default: cwd's own). */
async function claudeWrites(
  s: Setup,
  id: string,
  cwd: string,
  folder = encodeProjectFolder(cwd),
  body = "",
): Promise<string> {
  await Deno.mkdir(`${s.projects}/${folder}`, { recursive: true });
  const path = `${s.projects}/${folder}/${id}.jsonl`;
  await Deno.writeTextFile(path, `{"type":"user","cwd":${JSON.stringify(cwd)}}\n${body}`);
  return path;
}

const scan = (s: Setup) => s.push({ scan: true, projectsRoot: s.projects });

Deno.test("push --scan sends the workspace's transcripts from its folder, once, and again only when they change", async () => {
  await using s = await setup();
  const root = s.workspace.root;
  await s.workspace.ensureStateDir();
  const path = await claudeWrites(s, "crashed", root);
  assertEquals((await scan(s)).scanned, 1);
  assertEquals(s.seen.map(([name]) => name), ["crashed.jsonl"]);
  assertEquals((await scan(s)).scanned, 0); // unchanged: not again
  await Deno.writeTextFile(path, "more\n", { append: true }); // it grew
  assertEquals((await scan(s)).scanned, 1);
  await Deno.writeTextFile(path, `{"cwd":${JSON.stringify(root)}}\n`); // it shrank
  assertEquals((await scan(s)).scanned, 1);
  assertEquals((await scan(s)).scanned, 0); // sent once, not forever
  assertEquals(s.seen.length, 3);
});

Deno.test("push --scan finds transcripts through the cwd they record when the folder name is not the workspace's", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  // Another Claude Code version encoded the folder differently.
  await claudeWrites(s, "renamed", s.workspace.root, "some-other-encoding");
  // Someone else's project, found in the same listing, is left alone.
  await claudeWrites(s, "stranger", "/somewhere/else");
  assertEquals((await scan(s)).scanned, 1);
  assertEquals(s.seen.map(([name]) => name), ["renamed.jsonl"]);
});

Deno.test("push --scan finds a long workspace path's transcripts in the cut and hashed folder", async () => {
  await using s = await setup();
  const deep = `${s.workspace.root}/${"a-very-long-folder-name".repeat(10)}`;
  await Deno.mkdir(`${deep}/.claude`, { recursive: true });
  const encoded = encodeProjectFolder(deep);
  assertEquals(encoded.length > 200, true);
  await claudeWrites(s, "long", deep, `${encoded.slice(0, 200)}-1a2b3c`);
  const report = await s.push({
    workspace: new Workspace(deep),
    scan: true,
    projectsRoot: s.projects,
  });
  assertEquals(report.scanned, 1);
  assertEquals(s.seen.map(([name]) => name), ["long.jsonl"]);
});

Deno.test("push --scan leaves private sessions alone, sends a queued one once, and skips another cwd sharing the folder name", async () => {
  await using s = await setup();
  const root = s.workspace.root;
  const queued = await claudeWrites(s, "queued", root);
  await claudeWrites(s, "secret", root);
  // A working directory whose folder name is the workspace's: /tmp/agnes/test-… vs /tmp/agnes-test-…
  const twin = root.replace("agnes-test", "agnes/test");
  assertEquals(encodeProjectFolder(twin), encodeProjectFolder(root));
  await claudeWrites(s, "twin", twin);
  await s.queue(["queued", queued]);
  await addPrivateSession(s.workspace, "secret");
  const report = await scan(s);
  assertEquals(s.seen.map(([name]) => name), ["queued.jsonl"]);
  assertEquals([report.sessions, report.privateSkipped, report.scanned], [1, 0, 0]);
  assertEquals(await readIfExists(s.workspace.file("privateSkippedLog")), undefined);
});
