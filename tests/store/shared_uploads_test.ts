import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { pythonReadUploaded, pythonSkips, pythonUploadedRow } from "../_python_upload_log.ts";
import { parseUploadedRow, uploadedLogRows } from "../../lib/store/log_file.ts";
import { sessionOfPath, SharedUploads } from "../../lib/store/shared_uploads.ts";

const SERVER = "https://agnes.example.com";
const T = "2026-08-22T10:00:00Z";

Deno.test("parseUploadedRow() tells the four row shapes apart by their second field", () => {
  assertEquals(parseUploadedRow(`s1\t42\t${T}`), {
    time: T,
    sessionId: "s1",
    size: 42,
    path: "",
    sessionFirst: true,
  });
  assertEquals(parseUploadedRow(`s1\t42\t${T}\t/t/s1.jsonl\t99`), {
    time: T,
    sessionId: "s1",
    size: 42,
    path: "/t/s1.jsonl",
    sessionFirst: true,
  });
  assertEquals(parseUploadedRow(`${T}\t/t/s1.jsonl`), {
    time: T,
    sessionId: "",
    size: undefined,
    path: "/t/s1.jsonl",
    sessionFirst: false,
  });
  assertEquals(parseUploadedRow(`${T}\t/t/s1.jsonl\t42\t99`), {
    time: T,
    sessionId: "",
    size: 42,
    path: "/t/s1.jsonl",
    sessionFirst: false,
  });
});

Deno.test("uploadedLogRows() rows for the Python tool's server are read by its rule (commit 3a73ef3) as that session at that size; the others are skipped by it", () => {
  const [shared, other] = [
    ...uploadedLogRows([{ path: "/p/-w/abc.jsonl", size: 42, mtimeMs: 7, sessionId: "abc" }]),
    ...uploadedLogRows([{ path: "/p/-w/def.jsonl", size: 42, mtimeMs: 7 }]),
  ];
  const uploaded = pythonReadUploaded(`${shared}\n${other}\n`);
  assertEquals([...uploaded], [["abc", 42]]);
  assertEquals(pythonSkips(uploaded, "abc", 42), true);
  assertEquals(pythonSkips(uploaded, "abc", 43), false); // it grew: the Python tool sends it
  assertEquals(pythonSkips(uploaded, "def", 42), false);
});

Deno.test("sessionOfPath() is the transcript's file name without .jsonl, as the Python tool names sessions", () => {
  assertEquals(sessionOfPath("/home/a/.claude/projects/-w/5f1c.jsonl"), "5f1c");
  assertEquals(sessionOfPath("C:\\Users\\a\\.claude\\projects\\C--w\\5f1c.jsonl"), "5f1c");
});

Deno.test("SharedUploads.read() takes the Python tool's rows, the last per session winning, and leaves ours and the older rows to the ledger", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(
    workspace.file("uploadedLog"),
    [
      pythonUploadedRow("a", 10, T),
      `${T}\t/t/b.jsonl\n`,
      `${T}\t/t/c.jsonl\t5\t6\n`,
      `c\t5\t${T}\t/t/c.jsonl\t6\n`,
      pythonUploadedRow("a", 20, T),
      "garbage\n\n",
    ].join(""),
  );
  const shared = await SharedUploads.read(workspace, SERVER, { persist: true });
  assertEquals([shared.has("a", 20), shared.has("a", 10), shared.has("b", 0), shared.has("c", 5)], [
    true,
    false,
    false,
    false,
  ]);
});

Deno.test("SharedUploads.read() reads only what was appended since the last read, again from the start of a replaced log, and leaves an unfinished row for later", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const log = workspace.file("uploadedLog");
  await Deno.writeTextFile(log, pythonUploadedRow("a", 10, T));
  await SharedUploads.read(workspace, SERVER, { persist: true });
  // What was read is kept: a row rewritten in place before the mark is not read again.
  await Deno.writeTextFile(log, pythonUploadedRow("a", 99, T) + "b\t3", { create: false });
  let shared = await SharedUploads.read(workspace, SERVER, { persist: true });
  assertEquals([shared.has("a", 10), shared.has("a", 99), shared.has("b", 3)], [
    true,
    false,
    false,
  ]);
  await Deno.writeTextFile(log, `\t${T}\n`, { append: true }); // the row is finished now
  shared = await SharedUploads.read(workspace, SERVER, { persist: true });
  assertEquals(shared.has("b", 3), true);
  await Deno.rename(log, `${log}.1`); // replaced: a new file
  await Deno.writeTextFile(log, pythonUploadedRow("b", 4, T));
  shared = await SharedUploads.read(workspace, SERVER, { persist: true });
  assertEquals([shared.has("a", 10), shared.has("b", 4), shared.has("b", 3)], [true, true, false]);
  // Another server knows nothing of it.
  const other = await SharedUploads.read(workspace, "https://other.example", { persist: false });
  assertEquals(other.has("b", 4), true); // read now, from the start, but kept nowhere
  const again = await SharedUploads.read(workspace, "https://other.example", { persist: false });
  assertEquals(again.has("b", 4), true);
  const entries = [...Deno.readDirSync(`${workspace.stateDir}/agnes-sessions-ledger`)];
  assertEquals(
    entries.map((entry) => entry.name),
    [shared.dir.split("/").at(-1)],
    "a read without persist writes nothing",
  );
});

Deno.test("SharedUploads.read() passes over a row too long to be one, and reads the rows after it", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const long = `x\t1\t${"y".repeat(200_000)}\n`;
  await Deno.writeTextFile(workspace.file("uploadedLog"), long + pythonUploadedRow("a", 10, T));
  const shared = await SharedUploads.read(workspace, SERVER, { persist: true });
  assertEquals([shared.has("x", 1), shared.has("a", 10)], [false, true]);
});

Deno.test("SharedUploads.read() keeps a long history of the Python tool's rows in shards, so the next push reads neither the log nor all of them", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const rows = Array.from({ length: 5000 }, (_, i) => pythonUploadedRow(`s${i}`, i, T));
  await Deno.writeTextFile(workspace.file("uploadedLog"), rows.join(""));
  const first = await SharedUploads.read(workspace, SERVER, { persist: true });
  const shards = [...Deno.readDirSync(first.dir)].filter((entry) =>
    /^[0-9a-f]{2}\.txt$/.test(entry.name)
  );
  assertEquals(shards.length > 200, true);
  const next = await SharedUploads.read(workspace, SERVER, { persist: true });
  assertEquals([next.has("s0", 0), next.has("s4999", 4999), next.has("s4999", 1)], [
    true,
    true,
    false,
  ]);
});
