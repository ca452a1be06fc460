/**
 * push under I/O faults injected through the file layer's seam
 * (`AGNES_SESSIONS_TEST_FS_FAULT`, `lib/fs/fault.ts`), each aimed at one
 * write of the durability order: the snapshot rename, the ledger and the
 * uploaded log, the failed log's fsync, the requeue. Whatever fails, the
 * push deletes nothing it has not recorded, and a clean push afterwards
 * finishes the work.
 */

import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { readIfExists, readRows, runCli, STAMP } from "../_helpers.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { listSnapshots, readQueueFile } from "../../mod.ts";

/** Runs `push` with the fault `spec` injected. */
function faultyPush(s: Setup, spec: string, args: string[] = []) {
  return s.cli(["--concurrency", "1", ...args], { AGNES_SESSIONS_TEST_FS_FAULT: spec });
}

/** A push with no fault (the server's scripted answers cleared unless `keep`). */
async function cleanPush(s: Setup, args: string[] = [], keep = false) {
  if (!keep) s.statuses.clear();
  const result = await s.cli(args);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(await listSnapshots(s.workspace), []);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
}

/** How many times the server was sent `name`. */
const sent = (s: Setup, name: string) => s.seen.filter(([seen]) => seen === name).length;

/** The stored transcripts' names, sorted. */
const stored = async (s: Setup) => [...(await s.receiver.stored()).keys()].sort();

/** The rows of every snapshot, in order. */
async function snapshotRows(s: Setup): Promise<string[][]> {
  const rows: string[][] = [];
  for (const snapshot of await listSnapshots(s.workspace)) rows.push(...await readRows(snapshot));
  return rows;
}

Deno.test("push whose queue cannot be renamed to a snapshot exits 1 saying why, the queue intact, nothing sent", async () => {
  await using s = await setup();
  const one = await s.transcript("one");
  await s.queue(["one", one]);
  const before = await Deno.readTextFile(s.workspace.file("queue"));
  const result = await faultyPush(s, "rename:snapshot:EXDEV");
  assertEquals([result.code, result.stdout], [1, ""]);
  assertMatch(result.stderr, /Cannot snapshot the queue .*agnes-sessions\.txt.*cross-device/);
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), before);
  assertEquals(await listSnapshots(s.workspace), []);
  assertEquals(s.seen, []);
  await cleanPush(s);
  assertEquals(await stored(s), ["one.jsonl"]);
});

Deno.test("push with a full disk on the requeue exits 1 and keeps its snapshot: a clean push then delivers the rest, nothing sent twice", async () => {
  await using s = await setup();
  const [ok, flaky] = [await s.transcript("ok"), await s.transcript("flaky")];
  await s.queue(["ok", ok], ["flaky", flaky]);
  s.statuses.set("flaky.jsonl", 503);
  const result = await faultyPush(s, "append:agnes-sessions.txt:ENOSPC");
  assertEquals(result.code, 1, result.stderr);
  assertMatch(result.stderr, /Cannot requeue 1 session to ".*agnes-sessions\.txt": No space left/);
  assertMatch(result.stderr, /nothing was deleted, and the next push finishes this one/);
  assertEquals(await snapshotRows(s), [["ok", ok], ["flaky", flaky]]);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
  await cleanPush(s);
  assertEquals(await stored(s), ["flaky.jsonl", "ok.jsonl"]);
  assertEquals(sent(s, "ok.jsonl"), 1); // the ledger knew it was sent
});

Deno.test("push whose failed log fsync fails (EIO) exits 1 and keeps its snapshot; the clean push logs the failure once", async () => {
  await using s = await setup();
  const [ok, bad] = [await s.transcript("ok"), await s.transcript("bad")];
  await s.queue(["ok", ok], ["bad", bad]);
  s.statuses.set("bad.jsonl", 409);
  const result = await faultyPush(s, "sync:agnes-sessions-failed.txt:1:EIO");
  assertEquals(result.code, 1, result.stderr);
  assertMatch(result.stderr, /Cannot write the failed log ".*": Input\/output error/);
  assertEquals(await snapshotRows(s), [["ok", ok], ["bad", bad]]);
  // The append whose sync failed was taken back: the clean push writes the row once.
  assertEquals(await readIfExists(s.workspace.file("failedLog")), undefined);
  await cleanPush(s, [], true);
  assertEquals((await readRows(s.workspace.file("failedLog"))).map((row) => row.slice(1)), [
    ["bad", "409", bad],
  ]);
  assertEquals([sent(s, "ok.jsonl"), await stored(s)], [1, ["ok.jsonl"]]);
});

Deno.test("push whose uploaded log fsync fails (EIO) exits 1 and keeps its snapshot; nothing is sent twice", async () => {
  await using s = await setup();
  const one = await s.transcript("one");
  await s.queue(["one", one]);
  const result = await faultyPush(s, "sync:agnes-sessions-uploaded.txt:EIO");
  assertEquals(result.code, 1, result.stderr);
  assertEquals(await snapshotRows(s), [["one", one]]);
  await cleanPush(s);
  assertEquals(sent(s, "one.jsonl"), 1);
});

Deno.test("push with a full disk on the uploaded log after an upload requeues the entry; the next push sends and logs it (every upload gets its row)", async () => {
  await using s = await setup();
  const [one, two] = [await s.transcript("one"), await s.transcript("two")];
  await s.queue(["one", one], ["two", two]);
  const result = await faultyPush(s, "append:agnes-sessions-uploaded.txt:ENOSPC", ["--json"]);
  assertEquals(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assertEquals([report.sessions, report.requeued], [1, 1]); // one recorded, one requeued
  const [requeued] = (await readQueueFile(s.workspace.file("queue"))).entries;
  assertEquals([requeued?.sessionId, requeued?.path], ["one", one]);
  assertMatch(requeued?.stamp ?? "", STAMP);
  assertEquals(await listSnapshots(s.workspace), []);
  await cleanPush(s);
  assertEquals([sent(s, "one.jsonl"), sent(s, "two.jsonl")], [2, 1]); // the server replaces it
  const logged = (await readRows(s.workspace.file("uploadedLog"))).map((row) => row[1]).sort();
  assertEquals(logged, [one, two].sort());
});

Deno.test("push with a full disk on the ledger after an upload requeues the entry: the next push sends it again (a possible duplicate), loses nothing", async () => {
  await using s = await setup();
  const one = await s.transcript("one");
  await s.queue(["one", one]);
  const result = await faultyPush(s, "append:agnes-sessions-ledger:ENOSPC", ["--json"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout).requeued, 1);
  assertEquals((await readRows(s.workspace.file("uploadedLog"))).map((row) => row[1]), [one]);
  assertEquals((await readQueueFile(s.workspace.file("queue"))).entries.map((e) => e.path), [one]);
  await cleanPush(s);
  assertEquals(sent(s, "one.jsonl"), 2); // the server replaces it: harmless
  assertEquals((await readRows(s.workspace.file("uploadedLog"))).map((row) => row[1]), [one, one]);
});

Deno.test("push --retry-failed whose retry snapshot cannot be written exits 1 and leaves the failed log as it was", async () => {
  await using s = await setup();
  const failed = await s.transcript("failed");
  await s.workspace.ensureStateDir();
  const log = `2026-01-01T00:00:00Z\tfailed\t409\t${failed}\n`;
  await Deno.writeTextFile(s.workspace.file("failedLog"), log);
  const result = await faultyPush(s, "write:agnes-sessions.snapshot:ENOSPC", ["--retry-failed"]);
  assertEquals(result.code, 1, result.stderr);
  assertEquals(await Deno.readTextFile(s.workspace.file("failedLog")), log);
  assertEquals(await listSnapshots(s.workspace), []);
  assert(!Deno.readDirSync(s.workspace.stateDir).some((entry) => entry.name.endsWith(".tmp")));
  await cleanPush(s, ["--retry-failed"]);
  assertEquals(await stored(s), ["failed.jsonl"]);
});

Deno.test("a queue append cut off half-way whose undo fails leaves a torn row: the next capture starts a new line, push logs the torn row and never uploads it", async () => {
  await using s = await setup();
  const [kept, cut, next] = [
    await s.transcript("kept"),
    await s.transcript("cut"),
    await s.transcript("next"),
  ];
  await s.queue(["kept", kept]);
  const capture = (id: string, path: string, spec = "") =>
    runCli(["capture-session", "--workspace", s.workspace.root], {
      stdin: JSON.stringify({ session_id: id, transcript_path: path }),
      env: spec === "" ? {} : { AGNES_SESSIONS_TEST_FS_FAULT: spec },
    });
  const cutOff = await capture(
    "cut",
    cut,
    "write-half:agnes-sessions.txt,truncate:agnes-sessions.txt",
  );
  assertEquals([cutOff.code, cutOff.stdout], [0, ""]);
  const torn = await Deno.readTextFile(s.workspace.file("queue"));
  const half = `cut\t${cut}\n`.slice(0, (`cut\t${cut}\n`.length) >> 1);
  assertEquals(torn, `kept\t${kept}\n${half}`);
  assertEquals((await capture("next", next)).code, 0);
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), `${torn}\nnext\t${next}\n`);
  await cleanPush(s);
  assertEquals(await stored(s), ["kept.jsonl", "next.jsonl"]);
  const failed = await readRows(s.workspace.file("failedLog"));
  assertEquals(failed.map((row) => [row[1], row[2], row[3]]), [[
    "cut",
    "not_jsonl",
    half.slice(4),
  ]]);
});

for (const log of ["requeue", "failed log"] as const) {
  Deno.test(`push whose early ${log} write of a thousand rows fails after an upload loses none of them`, async () => {
    await using s = await setup();
    // 999 rows decided without an upload (missing: requeued; not .jsonl: failed) ...
    const suffix = log === "requeue" ? "jsonl" : "txt";
    const others = Array.from({ length: 999 }, (_, i) => `${s.projects}/-w/m${i}.${suffix}`);
    const last = await s.transcript("last");
    await s.queue(...others.map((path, i): [string, string] => [`m${i}`, path]), ["last", last]);
    // ... and the thousandth from an upload's answer, which writes the group out early.
    s.statuses.set("last.jsonl", log === "requeue" ? 503 : 409);
    const file = log === "requeue" ? "agnes-sessions.txt" : "agnes-sessions-failed.txt";
    const result = await faultyPush(s, `append:${file}:ENOSPC`, ["--json"]);
    assertEquals(result.code, 0, result.stderr);
    const written = log === "requeue"
      ? (await readQueueFile(s.workspace.file("queue"))).entries.map((entry) => entry.path)
      : (await readRows(s.workspace.file("failedLog"))).map((row) => row[3]);
    assertEquals(written.sort(), [...others, last].sort());
    assertEquals(await listSnapshots(s.workspace), []);
  });
}
