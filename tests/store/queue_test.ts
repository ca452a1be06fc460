import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { spawnContender } from "../_lock_helpers.ts";
import { readIfExists, tempWorkspace } from "../_helpers.ts";
import { appendToQueue, readQueueFile, requeueEntries } from "../../mod.ts";
import { dedupeEntries, parseQueueLine, type QueueEntry } from "../../lib/store/queue_entry.ts";

const entry = (sessionId: string, path: string, stamp = "") => ({ sessionId, path, stamp });

Deno.test("appendToQueue() creates .claude/ and the queue on first use, one row per call with one \\n", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await workspace.hasStateDir(), false);
  await appendToQueue(workspace, [entry("s1", "/t/s1.jsonl")]);
  await appendToQueue(workspace, [entry("s2", "/t/s2.jsonl")]);
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "s1\t/t/s1.jsonl\ns2\t/t/s2.jsonl\n",
  );
});

Deno.test("appendToQueue() writes an empty session id as a row starting with TAB, read back with an empty id", async () => {
  await using workspace = await tempWorkspace();
  await appendToQueue(workspace, [entry("", "/t/x.jsonl")]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "\t/t/x.jsonl\n");
  assertEquals((await readQueueFile(workspace.file("queue"))).entries, [entry("", "/t/x.jsonl")]);
});

Deno.test("appendToQueue() refuses a field with TAB, CR, LF or NUL and writes nothing", async () => {
  await using workspace = await tempWorkspace();
  for (const bad of ["a\tb", "a\rb", "a\nb", "a\0b"]) {
    await assertRejects(() => appendToQueue(workspace, [entry(bad, "/t/x.jsonl")]), TypeError);
    await assertRejects(() => appendToQueue(workspace, [entry("s", `/t/${bad}.jsonl`)]), TypeError);
  }
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
});

Deno.test("appendToQueue() starts a new line when the queue's last row is torn", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("queue"), "s0\t/t/s0.js");
  await appendToQueue(workspace, [entry("s1", "/t/s1.jsonl")]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "s0\t/t/s0.js\ns1\t/t/s1.jsonl\n");
});

Deno.test("readQueueFile() deduplicates by (session id, path) keeping order; one path with two ids is two entries", async () => {
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

Deno.test("dedupeEntries() keeps the earliest stamp; an unparseable stamp counts as none", () => {
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

Deno.test("parseQueueLine() parses legacy one-column rows, CRLF and padded fields", () => {
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

Deno.test("readQueueFile() reports unparseable rows, never silently drops them, and keeps the good rows", async () => {
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

Deno.test("requeueEntries() appends after fresh rows, stamps only stamped rows, and creates nothing when empty", async () => {
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

Deno.test("appendToQueue() from 4 concurrent processes x 50 appends gives 200 well-formed rows", async () => {
  await using workspace = await tempWorkspace();
  const writers = ["a", "b", "c", "d"].map((tag) =>
    spawnContender(["append", workspace.root, "50", tag]).output()
  );
  for (const output of await Promise.all(writers)) {
    assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  }
  const rows = (await Deno.readTextFile(workspace.file("queue"))).split("\n");
  assertEquals(rows.pop(), "");
  assertEquals(rows.length, 200);
  const expected = new Set(
    ["a", "b", "c", "d"].flatMap((tag) =>
      Array.from({ length: 50 }, (_, i) => `${tag}-${i}\t/t/${tag}-${i}.jsonl`)
    ),
  );
  assertEquals(new Set(rows), expected);
});
