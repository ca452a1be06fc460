import { assert, assertEquals, assertMatch, assertNotEquals, assertRejects } from "../_assert.ts";
import { readIfExists, tempWorkspace } from "../_helpers.ts";
import {
  appendToQueue,
  discardSnapshot,
  listSnapshots,
  readQueueFile,
  RefusedFileError,
  snapshotQueue,
} from "../../mod.ts";
import { rewriteSnapshot } from "../../lib/store/snapshot.ts";

const entry = (sessionId: string, path: string, stamp = "") => ({ sessionId, path, stamp });

Deno.test("snapshotQueue() of a missing queue is nothing", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await snapshotQueue(workspace), undefined);
  await workspace.ensureStateDir();
  assertEquals(await snapshotQueue(workspace), undefined);
});

Deno.test("snapshotQueue() renames atomically and keeps the content; names carry the pid and differ", async () => {
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

Deno.test("readQueueFile() reads a missing snapshot as empty", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(await readQueueFile(`${workspace.stateDir}/agnes-sessions.snapshot.1.txt`), {
    entries: [],
    malformed: [],
  });
});

Deno.test("listSnapshots() finds old-style names too, oldest first by modification time", async () => {
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

Deno.test("discardSnapshot() twice is fine", async () => {
  await using workspace = await tempWorkspace();
  await appendToQueue(workspace, [entry("s", "/t/s.jsonl")]);
  const snapshot = (await snapshotQueue(workspace))!;
  await discardSnapshot(snapshot);
  await discardSnapshot(snapshot);
  assertEquals(await readIfExists(snapshot), undefined);
});

Deno.test("snapshotQueue() refuses a queue that is a FIFO or a folder, and leaves it where it is", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const queue = workspace.file("queue");
  await Deno.mkdir(queue);
  const folder = await assertRejects(() => snapshotQueue(workspace), RefusedFileError);
  assertMatch(folder.message, /^Cannot snapshot the queue ".*": it is not a regular file$/);
  assert((await Deno.lstat(queue)).isDirectory);
  await Deno.remove(queue);
  assert((await new Deno.Command("mkfifo", { args: [queue] }).output()).success);
  await assertRejects(() => snapshotQueue(workspace), RefusedFileError);
  assert((await Deno.lstat(queue)).isFifo);
  assertEquals(await listSnapshots(workspace), []);
});

Deno.test("rewriteSnapshot() replaces the rows and keeps the modification time, so recovery order holds", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-sessions.snapshot.1.0123abcd.txt`;
  await Deno.writeTextFile(path, "bad\0row\ns\t/t/s.jsonl\n");
  const old = new Date(Date.now() - 3600_000);
  await Deno.utime(path, old, old);
  await rewriteSnapshot(path, [entry("s", "/t/s.jsonl")]);
  assertEquals(await Deno.readTextFile(path), "s\t/t/s.jsonl\n");
  assertEquals((await Deno.stat(path)).mtime?.getTime(), old.getTime());
});
