import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { readIfExists, readRows, runCli, STAMP, startReceiver } from "../_helpers.ts";
import { daysAgo, setup } from "../_push_setup.ts";
import { addPrivateSession, listSnapshots, readPrivateList, snapshotQueue } from "../../mod.ts";

Deno.test("push() in an empty workspace creates nothing", async () => {
  await using s = await setup();
  const result = await s.cli([]);
  assertEquals(result.code, 0);
  assertEquals(await s.workspace.hasStateDir(), false);
  assertEquals(s.seen, []);
});

Deno.test("push() uploads, then the queue is gone and the uploaded log has the path", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await s.queue(["s1", path]);
  const result = await s.cli([]);
  assertEquals([result.code, result.stdout, result.stderr], [0, "Uploaded 1 session\n", ""]);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
  assertEquals(await listSnapshots(s.workspace), []);
  const [row] = await readRows(s.workspace.file("uploadedLog"));
  assertMatch(row![0]!, STAMP);
  assertEquals(row![1], path);
  assertEquals((await s.receiver.stored()).get("s1.jsonl"), await Deno.readFile(path));
});

Deno.test("push() uploads duplicates once", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await s.queue(["s1", path], ["s1", path], ["s1", path, daysAgo(1)]);
  assertEquals((await s.push()).sessions, 1);
  assertEquals(s.seen.length, 1);
});

Deno.test("push() processes a recovery snapshot first", async () => {
  await using s = await setup();
  const [old, fresh] = [await s.transcript("old"), await s.transcript("fresh")];
  await s.queue(["old", old]);
  await snapshotQueue(s.workspace); // left by a crashed push
  await s.queue(["fresh", fresh]);
  assertEquals((await s.push()).sessions, 2);
  assertEquals(s.seen.map(([name]) => name), ["old.jsonl", "fresh.jsonl"]);
  assertEquals(await listSnapshots(s.workspace), []);
});

Deno.test("push() skips and logs private entries without requeuing them; only the public one uploads", async () => {
  await using s = await setup();
  const [secret, open] = [await s.transcript("secret"), await s.transcript("open")];
  await s.queue(["secret", secret], ["open", open]);
  await addPrivateSession(s.workspace, "secret");
  const result = await s.cli([]);
  assertEquals(
    result.stdout,
    [
      "Uploaded 1 session",
      "Skipped 1 private session (see .claude/agnes-sessions-private-skipped.txt)",
      "",
    ].join("\n"),
  );
  assertEquals([...(await s.receiver.stored()).keys()], ["open.jsonl"]);
  assertEquals((await readRows(s.workspace.file("privateSkippedLog")))[0]!.slice(1), [
    "secret",
    secret,
  ]);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
});

Deno.test("push() filters a session captured, then marked private; others upload", async () => {
  await using s = await setup();
  const env = { ...s.env, AGNES_LOCAL_DIR: s.workspace.root };
  for (const id of ["later-private", "public"]) {
    const path = await s.transcript(id);
    const stdin = JSON.stringify({ session_id: id, transcript_path: path });
    await runCli(["capture-session"], { stdin, env });
  }
  await runCli(["mark-private"], { env: { ...env, CLAUDE_CODE_SESSION_ID: "later-private" } });
  const result = await runCli(["push"], { env });
  assertEquals(result.code, 0);
  assertEquals([...(await s.receiver.stored()).keys()], ["public.jsonl"]);
  assertEquals(await readPrivateList(s.workspace), new Set(["later-private"]));
});

Deno.test("push() skips private entries without requeuing them, even when the run stops", async () => {
  await using s = await setup();
  await s.queue(["moved", await s.transcript("moved")], ["secret", await s.transcript("secret")]);
  await s.queue(["open", await s.transcript("open")]);
  s.statuses.set(
    "moved.jsonl",
    new Response(null, { status: 308, headers: { location: "https://x/" } }),
  );
  await addPrivateSession(s.workspace, "secret");
  const result = await s.cli(["--json", "--concurrency", "1"]);
  assertEquals(result.code, 1);
  const report = JSON.parse(result.stdout);
  assertEquals([report.private_skipped, report.requeued], [1, 2]);
  assertEquals((await readRows(s.workspace.file("queue"))).map((row) => row[0]), ["moved", "open"]);
});

Deno.test("push() logs malformed queue rows to the failed log once; good rows proceed", async () => {
  await using s = await setup();
  const path = await s.transcript("good");
  await s.workspace.ensureStateDir();
  await Deno.writeFile(
    s.workspace.file("queue"),
    new Uint8Array([
      ...new TextEncoder().encode(`good\t${path}\nbad\0row\t/x.jsonl\n`),
      0xff,
      0x0a,
    ]),
  );
  const report = JSON.parse((await s.cli(["--json"])).stdout);
  assertEquals([report.sessions, report.dropped_permanent], [1, 2]);
  await s.cli([]);
  const rows = await readRows(s.workspace.file("failedLog"));
  assertEquals(rows.map((row) => row[2]), ["malformed", "malformed"]);
});

Deno.test("push() logs a malformed row with a bare CR inside, and goes on", async () => {
  await using s = await setup();
  const path = await s.transcript("ok");
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("queue"), `ok\t${path}\nid\t\t\rx\n`);
  const result = await s.cli(["--json"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout).sessions, 1);
  const [row] = await readRows(s.workspace.file("failedLog"));
  assertEquals(row![2], "malformed");
  assert(!/[\r\0]/.test(row![3]!));
});

Deno.test("push --retry-failed gives permanent failures one more try", async () => {
  await using s = await setup();
  const path = await s.transcript("flaky");
  s.statuses.set("flaky.jsonl", 409);
  await s.queue(["flaky", path]);
  await s.cli([]);
  assertEquals((await readRows(s.workspace.file("failedLog"))).length, 1);
  s.statuses.clear();
  const result = await s.cli(["--retry-failed"]);
  assertEquals(result.stdout, "Uploaded 1 session\n");
  assertEquals(await Deno.readTextFile(s.workspace.file("failedLog")), "");
});

Deno.test("push --retry-failed never drops failed-log rows it cannot read", async () => {
  await using s = await setup();
  const path = await s.transcript("again");
  await s.workspace.ensureStateDir();
  const unreadable = new Uint8Array([
    ...new TextEncoder().encode("2026-01-01T00:00:00Z\tx\t400\t/t/"),
    0xff,
    0x0a,
  ]);
  const retryable = new TextEncoder().encode(`2026-01-01T00:00:00Z\tagain\t409\t${path}\n`);
  await Deno.writeFile(
    s.workspace.file("failedLog"),
    new Uint8Array([...unreadable, ...retryable]),
  );
  const result = await s.cli(["--retry-failed"]);
  assertEquals(result.stdout, "Uploaded 1 session\n");
  const log = await Deno.readFile(s.workspace.file("failedLog"));
  assertEquals(log.subarray(0, unreadable.length), unreadable);
});

Deno.test("push() never sends unsafe paths and logs each with its reason", async () => {
  await using s = await setup();
  const outside = await Deno.makeTempDir();
  try {
    const secret = `${outside}/id_rsa`;
    await Deno.writeTextFile(secret, "PRIVATE KEY");
    const stray = `${outside}/stray.jsonl`;
    await Deno.writeTextFile(stray, "{}\n");
    const link = `${s.projects}/-w/link.jsonl`;
    await Deno.symlink(stray, link);
    const fifo = `${s.projects}/-w/fifo.jsonl`;
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    const inside = await s.transcript("fine");
    await s.queue(["a", secret], ["b", stray], ["c", link], ["d", fifo], ["e", inside]);
    const result = await s.cli(["--concurrency", "1"]);
    assertEquals(result.code, 0);
    assertEquals([...(await s.receiver.stored()).keys()], ["fine.jsonl"]);
    const reasons = (await readRows(s.workspace.file("failedLog"))).map((row) => [row[1], row[2]]);
    assertEquals(reasons, [
      ["a", "not_jsonl"],
      ["b", "outside_allowed"],
      ["c", "outside_allowed"],
      ["d", "not_regular_file"],
    ]);
    // A folder the user allows is fine.
    await s.queue(["b", stray]);
    await s.cli(["--allow-path", outside]);
    assert((await s.receiver.stored()).has("stray.jsonl"));
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("push() never sends an unchanged file twice to one server, and sends it to a new server after a switch", async () => {
  await using s = await setup();
  await using other = await startReceiver();
  const path = await s.transcript("s1");
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("localMd"), "# notes\n");
  await s.queue(["s1", path]);
  assertEquals((await s.push()).sessions, 1);
  await s.queue(["s1", path]); // captured again (SessionEnd after SessionStart), unchanged
  const again = await s.push();
  assertEquals([again.sessions, again.alreadyUploaded, again.localMd], [0, 1, false]);
  assertEquals(s.seen.length, 1);
  await s.queue(["s1", path]);
  const switched = await runCli([
    "push",
    "--json",
    "--workspace",
    s.workspace.root,
    "--server",
    other.url,
  ], {
    env: s.env,
  });
  assertEquals([JSON.parse(switched.stdout).sessions, JSON.parse(switched.stdout).local_md], [
    1,
    true,
  ]);
  assertEquals([...(await other.stored()).keys()], ["s1.jsonl"]);
});

Deno.test("push() sweeps up temp files a killed writer left behind, and leaves young ones alone", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  const old = `${s.workspace.stateDir}/agnes-sessions-failed.txt.0123abcd.tmp`;
  const young = `${s.workspace.stateDir}/agnes-sessions-private.txt.89abcdef.tmp`;
  for (const path of [old, young]) await Deno.writeTextFile(path, "half written");
  const hourAgo = new Date(Date.now() - 3600_000);
  await Deno.utime(old, hourAgo, hourAgo);
  await s.queue(["s1", await s.transcript("s1")]);
  await s.push();
  assertEquals(await readIfExists(old), undefined);
  assertEquals(await readIfExists(young), "half written");
});

Deno.test("push() keeps its logs bounded: a log past 8 MiB is rotated to <name>.1 before the next row, but not the uploaded log, which the Python tool reads whole", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  const [failed, uploaded] = [s.workspace.file("failedLog"), s.workspace.file("uploadedLog")];
  const filler = `2026-01-01T00:00:00Z\t/t/old.jsonl\n`.repeat(8 * 1024 * 1024 / 34 + 1);
  for (const log of [failed, uploaded]) await Deno.writeTextFile(log, filler);
  const size = (await Deno.stat(failed)).size;
  await s.queue(["s1", await s.transcript("s1")], ["x", "/t/not-a-transcript.txt"]);
  await s.push();
  assertEquals((await Deno.stat(`${failed}.1`)).size, size);
  assertEquals((await readRows(failed)).map((row) => row[3]), ["/t/not-a-transcript.txt"]);
  assertEquals(await readIfExists(`${uploaded}.1`), undefined);
  assertEquals((await readRows(uploaded)).at(-1)![1], `${s.projects}/-w/s1.jsonl`);
});
