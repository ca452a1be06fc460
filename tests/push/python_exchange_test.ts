/**
 * The exchange with the Python `agnes` tool through the shared uploaded log,
 * both ways: its rows make a push to its server skip what it sent at the
 * same size, and the rows a push writes make it skip what we sent (its rule
 * from commit 3a73ef3bae8e5b2a7f25f61e14966f0dda982466, in
 * `tests/_python_upload_log.ts`).
 */

import { assertEquals } from "../_assert.ts";
import { pythonReadUploaded, pythonSkips, pythonUploadedRow } from "../_python_upload_log.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { planPush } from "../../mod.ts";
import { encodeProjectFolder } from "../../lib/claude/transcripts.ts";

const T = "2026-08-22T10:00:00Z";

/** Appends the row the Python tool writes after uploading `path` at its current size. */
async function pythonUploaded(s: Setup, sessionId: string, path: string): Promise<void> {
  await s.workspace.ensureStateDir();
  const size = (await Deno.stat(path)).size;
  await Deno.writeTextFile(s.workspace.file("uploadedLog"), pythonUploadedRow(sessionId, size, T), {
    append: true,
  });
}

/** Whether the Python tool's next push would skip `path` (its rule, on the log as it is now). */
async function pythonWouldSkip(s: Setup, sessionId: string, path: string): Promise<boolean> {
  const uploaded = pythonReadUploaded(await Deno.readTextFile(s.workspace.file("uploadedLog")));
  return pythonSkips(uploaded, sessionId, (await Deno.stat(path)).size);
}

Deno.test("push() to the Python tool's server skips a transcript it sent at the same size, and sends it once it grew", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await pythonUploaded(s, "s1", path);
  await s.queue(["s1", path]);
  const skipped = await s.push({ sharedServer: s.receiver.url });
  assertEquals([skipped.sessions, skipped.alreadyUploaded, s.seen], [0, 1, []]);
  await Deno.writeTextFile(path, "more\n", { append: true });
  await s.queue(["s1", path]);
  assertEquals((await s.push({ sharedServer: `${s.receiver.url}/` })).sessions, 1);
  assertEquals(s.seen.map(([name]) => name), ["s1.jsonl"]);
});

Deno.test("push() to the Python tool's server leaves a row by which that tool skips the session at that size", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await s.queue(["s1", path]);
  assertEquals((await s.push({ sharedServer: s.receiver.url })).sessions, 1);
  assertEquals(await pythonWouldSkip(s, "s1", path), true);
  await Deno.writeTextFile(path, "more\n", { append: true });
  assertEquals(await pythonWouldSkip(s, "s1", path), false); // grown: it sends the new version
});

Deno.test("push() to another server sends what the Python tool sent, and leaves a row that tool does not count", async () => {
  await using s = await setup();
  const [sent, ours] = [await s.transcript("sent"), await s.transcript("ours")];
  await pythonUploaded(s, "sent", sent);
  await s.queue(["sent", sent], ["ours", ours]);
  const report = await s.push({ sharedServer: "https://python.example.com" });
  assertEquals(report.sessions, 2);
  assertEquals(await pythonWouldSkip(s, "ours", ours), false);
  await s.queue(["sent", sent], ["ours", ours]); // and without a shared server: no exchange at all
  assertEquals((await s.push()).alreadyUploaded, 2); // our own ledger still knows both
});

Deno.test("push() reads the Python tool's rows appended between two pushes, and not ours again", async () => {
  await using s = await setup();
  const [a, b] = [await s.transcript("a"), await s.transcript("b")];
  await s.queue(["a", a]);
  assertEquals((await s.push({ sharedServer: s.receiver.url })).sessions, 1);
  await pythonUploaded(s, "b", b); // the Python tool's push, between ours
  await s.queue(["a", a], ["b", b]);
  const report = await s.push({ sharedServer: s.receiver.url });
  assertEquals([report.sessions, report.alreadyUploaded], [0, 2]);
  assertEquals(s.seen.map(([name]) => name), ["a.jsonl"]);
});

Deno.test("push --scan and its dry run skip what the Python tool sent at the same size", async () => {
  await using s = await setup();
  const root = s.workspace.root;
  const folder = `${s.projects}/${encodeProjectFolder(root)}`;
  await Deno.mkdir(folder, { recursive: true });
  const [sent, fresh] = [`${folder}/sent.jsonl`, `${folder}/fresh.jsonl`];
  for (const path of [sent, fresh]) {
    await Deno.writeTextFile(path, `{"cwd":${JSON.stringify(root)}}\n`);
  }
  await pythonUploaded(s, "sent", sent);
  const options = {
    server: s.receiver.url,
    sharedServer: s.receiver.url,
    allowedRoots: [s.projects],
  };
  const plan = await planPush(s.workspace, { ...options, scan: true, projectsRoot: s.projects });
  assertEquals(plan.upload.map((entry) => entry.sessionId), ["fresh"]);
  const report = await s.push({
    scan: true,
    projectsRoot: s.projects,
    sharedServer: s.receiver.url,
  });
  assertEquals([report.scanned, report.sessions], [1, 1]);
  assertEquals(s.seen.map(([name]) => name), ["fresh.jsonl"]);
  assertEquals(await pythonWouldSkip(s, "fresh", fresh), true);
});
