import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertThrows,
} from "./_assert.ts";
import {
  appendLog,
  appendToQueue,
  dedupeEntries,
  discardSnapshot,
  failedLogRows,
  formatTimestamp,
  isRetryExpired,
  listSnapshots,
  parseQueueLine,
  privateSkippedLogRows,
  type QueueEntry,
  readQueueFile,
  RefusedFileError,
  requeueEntries,
  RETRY_WINDOW_MS,
  snapshotQueue,
  uploadedLogRows,
} from "../mod.ts";
import { readIfExists, readRows, STAMP, tempWorkspace } from "./_helpers.ts";

const entry = (sessionId: string, path: string, stamp = "") => ({ sessionId, path, stamp });

Deno.test("first append creates .claude/ and the queue, one row per call with one \\n", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await workspace.hasStateDir(), false);
  await appendToQueue(workspace, [entry("s1", "/t/s1.jsonl")]);
  await appendToQueue(workspace, [entry("s2", "/t/s2.jsonl")]);
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "s1\t/t/s1.jsonl\ns2\t/t/s2.jsonl\n",
  );
});

Deno.test("an empty session id gives a row starting with TAB, read back with an empty id", async () => {
  await using workspace = await tempWorkspace();
  await appendToQueue(workspace, [entry("", "/t/x.jsonl")]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "\t/t/x.jsonl\n");
  assertEquals((await readQueueFile(workspace.file("queue"))).entries, [entry("", "/t/x.jsonl")]);
});

Deno.test("a field with TAB, CR, LF or NUL is refused and nothing is written", async () => {
  await using workspace = await tempWorkspace();
  for (const bad of ["a\tb", "a\rb", "a\nb", "a\0b"]) {
    await assertRejects(() => appendToQueue(workspace, [entry(bad, "/t/x.jsonl")]), TypeError);
    await assertRejects(() => appendToQueue(workspace, [entry("s", `/t/${bad}.jsonl`)]), TypeError);
  }
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
});

Deno.test("a queue whose last row is torn gets a new line before the next row", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("queue"), "s0\t/t/s0.js");
  await appendToQueue(workspace, [entry("s1", "/t/s1.jsonl")]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "s0\t/t/s0.js\ns1\t/t/s1.jsonl\n");
});

Deno.test("snapshot of a missing queue is nothing", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await snapshotQueue(workspace), undefined);
  await workspace.ensureStateDir();
  assertEquals(await snapshotQueue(workspace), undefined);
});

Deno.test("snapshot renames atomically, keeps content, names carry the pid and differ", async () => {
  await using workspace = await tempWorkspace();
  await appendToQueue(workspace, [entry("s1", "/t/s1.jsonl")]);
  const first = await snapshotQueue(workspace);
  assert(first !== undefined);
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
  assertEquals(await Deno.readTextFile(first!), "s1\t/t/s1.jsonl\n");
  assertMatch(first, new RegExp(`agnes-sessions\\.snapshot\\.${Deno.pid}\\.[0-9a-f]{8}\\.txt$`));
  await appendToQueue(workspace, [entry("s2", "/t/s2.jsonl")]);
  const second = await snapshotQueue(workspace);
  assertNotEquals(second, first);
  assertEquals(await listSnapshots(workspace), [first, second]);
});

Deno.test("reading deduplicates by (session id, path) keeping order; same path, two ids is two", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(
    workspace.file("queue"),
    "a\t/t/1.jsonl\nb\t/t/1.jsonl\na\t/t/1.jsonl\n\n   \nc\t/t/2.jsonl\n",
  );
  const { entries } = await readQueueFile(workspace.file("queue"));
  assertEquals(entries, [
    entry("a", "/t/1.jsonl"),
    entry("b", "/t/1.jsonl"),
    entry("c", "/t/2.jsonl"),
  ]);
});

Deno.test("duplicates keep the earliest stamp; an unparseable stamp counts as none", () => {
  const rows = [
    "a\t/t/1.jsonl\t2026-03-01T00:00:00Z",
    "a\t/t/1.jsonl\tgarbage",
    "a\t/t/1.jsonl\t2026-01-01T00:00:00Z",
    "b\t/t/2.jsonl\tgarbage",
  ].map(parseQueueLine).filter((row): row is QueueEntry => typeof row === "object");
  assertEquals(dedupeEntries(rows), [
    entry("a", "/t/1.jsonl", "2026-01-01T00:00:00Z"),
    entry("b", "/t/2.jsonl"),
  ]);
});

Deno.test("legacy one-column rows, CRLF and padded fields parse", () => {
  assertEquals(parseQueueLine("/t/legacy.jsonl\r"), entry("", "/t/legacy.jsonl"));
  assertEquals(
    parseQueueLine(" a \t /t/x.jsonl \t 2026-01-01T00:00:00Z "),
    entry("a", "/t/x.jsonl", "2026-01-01T00:00:00Z"),
  );
  assertEquals(
    parseQueueLine("\t/t/x.jsonl\t2026-01-01T00:00:00Z"),
    entry("", "/t/x.jsonl", "2026-01-01T00:00:00Z"),
  );
  assertEquals(parseQueueLine(""), undefined);
  assertEquals(parseQueueLine("a\t\t2026-01-01T00:00:00Z"), "empty_path");
});

Deno.test("a missing snapshot reads as empty", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await readQueueFile(`${workspace.stateDir}/agnes-sessions.snapshot.1.txt`), {
    entries: [],
    malformed: [],
  });
});

Deno.test("unparseable rows are reported, never silently dropped, and good rows proceed", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const path = workspace.file("queue");
  const bytes = [
    new TextEncoder().encode("a\t/t/a.jsonl\r\n"),
    new TextEncoder().encode("nul\0\t/t/n.jsonl\n"),
    new Uint8Array([0x62, 0x09, 0x2f, 0xff, 0xfe, 0x0a]), // invalid UTF-8
    new TextEncoder().encode("x".repeat(200 * 1024) + "\n"), // over 64 KiB
    new TextEncoder().encode("a\t\t2026-01-01T00:00:00Z\n"), // empty path
    new TextEncoder().encode("c\t/t/c.jsonl"),
  ];
  await Deno.writeFile(path, new Uint8Array(bytes.flatMap((chunk) => [...chunk])));
  const { entries, malformed } = await readQueueFile(path);
  assertEquals(entries, [entry("a", "/t/a.jsonl"), entry("c", "/t/c.jsonl")]);
  assertEquals(malformed.map((row) => row.reason), [
    "nul_byte",
    "invalid_utf8",
    "overlong",
    "empty_path",
  ]);
  assert(malformed.every((row) => row.preview.length <= 200 && !/[\t\n\r\0]/.test(row.preview)));
});

Deno.test("uploaded, private-skipped and failed rows have the exact formats with UTC Z stamps", async () => {
  await using workspace = await tempWorkspace();
  await appendLog(workspace, "uploadedLog", uploadedLogRows([{ path: "/t/a.jsonl" }]));
  await appendLog(
    workspace,
    "privateSkippedLog",
    privateSkippedLogRows([{ sessionId: "p", path: "/t/p.jsonl" }]),
  );
  await appendLog(
    workspace,
    "failedLog",
    failedLogRows([{ sessionId: "f", reason: "403", path: "/t/f.jsonl" }]),
  );
  const [uploaded] = await readRows(workspace.file("uploadedLog"));
  const [skipped] = await readRows(workspace.file("privateSkippedLog"));
  const [failed] = await readRows(workspace.file("failedLog"));
  assertMatch(uploaded![0]!, STAMP);
  assertEquals(uploaded!.slice(1), ["/t/a.jsonl"]);
  assertMatch(skipped![0]!, STAMP);
  assertEquals(skipped!.slice(1), ["p", "/t/p.jsonl"]);
  assertMatch(failed![0]!, STAMP);
  assertEquals(failed!.slice(1), ["f", "403", "/t/f.jsonl"]);
});

Deno.test("requeue appends after fresh rows, stamps only stamped rows, and an empty requeue creates nothing", async () => {
  await using workspace = await tempWorkspace();
  await requeueEntries(workspace, []);
  assertEquals(await workspace.hasStateDir(), false);
  await appendToQueue(workspace, [entry("fresh", "/t/fresh.jsonl")]);
  await requeueEntries(workspace, [
    entry("old", "/t/old.jsonl", "2026-01-01T00:00:00Z"),
    entry("breaker", "/t/breaker.jsonl"),
  ]);
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "fresh\t/t/fresh.jsonl\nold\t/t/old.jsonl\t2026-01-01T00:00:00Z\nbreaker\t/t/breaker.jsonl\n",
  );
});

Deno.test("recovery finds old-style snapshot names too, oldest first by modification time", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const old = `${workspace.stateDir}/agnes-sessions.snapshot.999.txt`;
  const newer = `${workspace.stateDir}/agnes-sessions.snapshot.1.0123abcd.txt`;
  await Deno.writeTextFile(newer, "b\t/t/b.jsonl\n");
  await Deno.writeTextFile(old, "a\t/t/a.jsonl\n");
  await Deno.writeTextFile(`${workspace.stateDir}/agnes-sessions.snapshot.x.txt`, "ignored\n");
  await Deno.utime(old, new Date(2020, 0, 1), new Date(2020, 0, 1));
  assertEquals(await listSnapshots(workspace), [old, newer]);
});

Deno.test("discarding a snapshot twice is fine", async () => {
  await using workspace = await tempWorkspace();
  await appendToQueue(workspace, [entry("s", "/t/s.jsonl")]);
  const snapshot = (await snapshotQueue(workspace))!;
  await discardSnapshot(snapshot);
  await discardSnapshot(snapshot);
  assertEquals(await readIfExists(snapshot), undefined);
});

Deno.test("the 30-day rule: exactly 30 days is kept, older expires, empty or garbage never", () => {
  const now = new Date(Date.UTC(2026, 10, 24, 12));
  const ago = (ms: number) => formatTimestamp(new Date(now.getTime() - ms));
  assertEquals(isRetryExpired(ago(RETRY_WINDOW_MS), now), false);
  assertEquals(isRetryExpired(ago(RETRY_WINDOW_MS + 1000), now), true);
  assertEquals(isRetryExpired(ago(0), now), false);
  assertEquals(isRetryExpired("", now), false);
  assertEquals(isRetryExpired("not-a-date", now), false);
  assertEquals(isRetryExpired("2026-13-45T99:99:99Z", now), false);
});

Deno.test("a queue, snapshot or log that is a symbolic link is refused, not followed", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const target = `${workspace.root}/elsewhere.txt`;
  await Deno.writeTextFile(target, "s\t/t/s.jsonl\n");
  await Deno.symlink(target, workspace.file("queue"));
  await assertRejects(() => appendToQueue(workspace, [entry("x", "/t/x.jsonl")]), RefusedFileError);
  await assertRejects(() => readQueueFile(workspace.file("queue")), RefusedFileError);
  await assertRejects(() => snapshotQueue(workspace), RefusedFileError);
  await Deno.symlink(target, workspace.file("failedLog"));
  await assertRejects(
    () =>
      appendLog(workspace, "failedLog", failedLogRows([{ sessionId: "", reason: "x", path: "y" }])),
    RefusedFileError,
  );
  assertEquals(await Deno.readTextFile(target), "s\t/t/s.jsonl\n");
});

Deno.test("formatTimestamp agrees with toISOString to the second, leap days and year ends included", () => {
  const dates = [
    Date.UTC(1970, 0, 1),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29, 12, 0, 0),
    Date.UTC(2024, 1, 29, 23, 59, 59, 500),
    Date.UTC(2100, 2, 1, 0, 0, 1),
  ];
  let seed = 7;
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31; // deterministic spread over 1970..2205
    dates.push(seed * 3_456);
  }
  for (const ms of dates) {
    const date = new Date(ms);
    assertEquals(formatTimestamp(date), date.toISOString().slice(0, 19) + "Z");
  }
  assertThrows(() => formatTimestamp(new Date(NaN)), RangeError);
});
