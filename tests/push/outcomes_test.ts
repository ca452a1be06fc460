import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { readIfExists, readRows, runCli, STAMP, TEST_TOKEN } from "../_helpers.ts";
import { daysAgo, pushToUnreachable, setup } from "../_push_setup.ts";
import { AgnesClient, readQueueFile } from "../../mod.ts";

Deno.test("push() requeues a missing transcript with a stamp, and uploads it once it appears", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/later.jsonl`;
  await s.queue(["later", path]);
  const first = await s.push();
  assertEquals([first.sessions, first.requeued, first.droppedPermanent], [0, 1, 0]);
  const [row] = await readRows(s.workspace.file("queue"));
  assertEquals(row!.slice(0, 2), ["later", path]);
  assertMatch(row![2]!, STAMP);
  assertEquals(await readIfExists(s.workspace.file("failedLog")), undefined);
  await s.transcript("later");
  const second = await s.push();
  assertEquals([second.sessions, second.requeued], [1, 0]);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
});

Deno.test("push() gives up a transcript missing for over 30 days as not_found_expired", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/never.jsonl`;
  await s.queue(["never", path, daysAgo(31)]);
  const report = await s.push();
  assertEquals([report.requeued, report.droppedPermanent], [0, 1]);
  const [row] = await readRows(s.workspace.file("failedLog"));
  assertEquals(row!.slice(1), ["never", "not_found_expired", path]);
});

Deno.test("push() logs 400, 403 and 413 as permanent failures, not requeued, and points at the log", async () => {
  await using s = await setup();
  for (const status of [400, 403, 413]) {
    const path = await s.transcript(`p${status}`);
    s.statuses.set(`p${status}.jsonl`, status);
    await s.queue([`p${status}`, path]);
  }
  const result = await s.cli([]);
  assertEquals(result.code, 0);
  assertStringIncludes(
    result.stdout,
    "Dropped 3 sessions with permanent failure (see .claude/agnes-sessions-failed.txt)",
  );
  assertStringIncludes(result.stderr, "warn: ");
  const rows = await readRows(s.workspace.file("failedLog"));
  assertEquals(rows.map((row) => row[2]).sort(), ["400", "403", "413"]);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
});

Deno.test("push() requeues 408, 429, 500, 502 and 503 with a stamp, with no failed log", async () => {
  await using s = await setup();
  for (const status of [408, 429, 500, 502, 503]) {
    const path = await s.transcript(`t${status}`);
    s.statuses.set(`t${status}.jsonl`, status);
    await s.queue([`t${status}`, path]);
  }
  const report = await s.push({ breakerThreshold: 100 });
  assertEquals([report.sessions, report.requeued, report.droppedPermanent], [0, 5, 0]);
  assertEquals(report.errors.map((error) => "status" in error ? error.status : 0).sort(), [
    408,
    429,
    500,
    502,
    503,
  ]);
  const { entries } = await readQueueFile(s.workspace.file("queue"));
  assertEquals(entries.length, 5);
  assert(entries.every((entry) => STAMP.test(entry.stamp)));
  assertEquals(await readIfExists(s.workspace.file("failedLog")), undefined);
});

Deno.test("push() keeps a requeued entry's first-failure stamp", async () => {
  await using s = await setup();
  const path = await s.transcript("t");
  s.statuses.set("t.jsonl", 500);
  const first = daysAgo(3);
  await s.queue(["t", path, first]);
  await s.push();
  assertEquals((await readQueueFile(s.workspace.file("queue"))).entries, [{
    sessionId: "t",
    path,
    stamp: first,
  }]);
});

Deno.test("push() requeues a network error, with no failed log", async () => {
  await using s = await setup();
  const path = await s.transcript("n");
  await s.queue(["n", path]);
  const report = await pushToUnreachable(s);
  assertEquals([report.requeued, report.droppedPermanent], [1, 0]);
  assert(report.errors.length === 1 && "error" in report.errors[0]!);
  assertEquals(await readIfExists(s.workspace.file("failedLog")), undefined);
});

Deno.test("push() gives up a 503 past 30 days with 503 in the failed log", async () => {
  await using s = await setup();
  const path = await s.transcript("old");
  s.statuses.set("old.jsonl", 503);
  await s.queue(["old", path, daysAgo(40)]);
  const report = await s.push();
  assertEquals([report.requeued, report.droppedPermanent], [0, 1]);
  assertEquals((await readRows(s.workspace.file("failedLog")))[0]!.slice(1), ["old", "503", path]);
});

Deno.test("push() requeues on 401 after one request (circuit breaker), and uploads after login", async () => {
  await using s = await setup();
  const paths = await Promise.all(["a", "b", "c"].map((name) => s.transcript(name)));
  await s.queue(...paths.map((path, i) => [["a", "b", "c"][i]!, path] as [string, string]));
  const wrong = await s.cli(["--concurrency", "1"], { AGNES_TOKEN: "expired-token" });
  assertEquals(wrong.code, 1); // the user must act: log in again
  assert(!wrong.stdout.includes("expired-token") && !wrong.stderr.includes("expired-token"));
  assertStringIncludes(wrong.stdout, "Requeued 3 sessions for the next push");
  const { entries } = await readQueueFile(s.workspace.file("queue"));
  assertEquals(entries.length, 3);
  assertEquals(entries.filter((entry) => entry.stamp !== "").length, 1); // only the one sent
  const login = await runCli(["login", "--server", s.receiver.url, "--token", TEST_TOKEN], {
    env: s.env,
  });
  assertEquals(login.code, 0);
  const { AGNES_TOKEN: _unused, ...withoutToken } = s.env;
  const again = await runCli(["push", "--workspace", s.workspace.root], { env: withoutToken });
  assertEquals(again.stdout, "Uploaded 3 sessions\n");
  assertEquals((await s.receiver.stored()).size, 3);
});

Deno.test("push() trips the circuit breaker on repeated transient failures and requeues the rest unstamped", async () => {
  await using s = await setup();
  const names = Array.from({ length: 8 }, (_, i) => `x${i}`);
  for (const name of names) {
    s.statuses.set(`${name}.jsonl`, 500);
    await s.queue([name, await s.transcript(name)]);
  }
  const report = await s.push({ breakerThreshold: 3 });
  assertEquals(s.seen.length, 3);
  assertEquals(report.requeued, 8);
  assert(report.requeueReasons.includes("circuit breaker"));
  const { entries } = await readQueueFile(s.workspace.file("queue"));
  assertEquals(entries.filter((entry) => entry.stamp !== "").length, 3);
});

Deno.test("push() stops on a 3xx: exit 1 naming the Location, everything requeued", async () => {
  await using s = await setup();
  const [a, b] = [await s.transcript("a"), await s.transcript("b")];
  s.statuses.set(
    "a.jsonl",
    new Response(null, { status: 308, headers: { location: "https://new.example/" } }),
  );
  await s.queue(["a", a], ["b", b]);
  const result = await s.cli(["--concurrency", "1"]);
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "https://new.example/");
  assertEquals(
    (await readQueueFile(s.workspace.file("queue"))).entries.map((entry) => entry.stamp),
    ["", ""],
  );
  assertEquals(s.seen.length, 1);
});

Deno.test("push() treats the server's X-Agnes-Min-Version (the Python CLI's scale) as information: it uploads, exit 0", async () => {
  await using s = await setup({ minVersion: "99.0.0" });
  await s.queue(["a", await s.transcript("a")]);
  const result = await s.cli(["--json"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals([JSON.parse(result.stdout).sessions, JSON.parse(result.stdout).requeued], [1, 0]);
  assertEquals(s.seen, [["a.jsonl", true]]);
});

Deno.test("push() retries a 429 with a short Retry-After within the run", async () => {
  await using s = await setup();
  const path = await s.transcript("r");
  await s.queue(["r", path]);
  s.statuses.set("r.jsonl", new Response(null, { status: 429, headers: { "retry-after": "0" } }));
  using real = new AgnesClient({ server: s.receiver.url, token: TEST_TOKEN });
  let calls = 0;
  const report = await s.push({
    client: {
      server: real.server,
      health: () => real.health(),
      uploadLocalMd: (content) => real.uploadLocalMd(content),
      uploadSession: (...args) => {
        if (++calls === 2) s.statuses.delete("r.jsonl"); // the server has recovered
        return real.uploadSession(...args);
      },
    },
  });
  assertEquals(calls, 2);
  assertEquals([report.sessions, report.requeued], [1, 0]);
});

Deno.test("push() counts a first-failure stamp in the future as now", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/later.jsonl`;
  await s.queue(["later", path, "2099-01-01T00:00:00Z"]);
  const before = Date.now() - 1000;
  await s.push();
  const [entry] = (await readQueueFile(s.workspace.file("queue"))).entries;
  const stamp = Date.parse(entry!.stamp);
  assert(stamp >= before && stamp <= Date.now(), entry!.stamp);
});
