import { assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { readRows, STAMP, tempWorkspace } from "../_helpers.ts";
import { appendToQueue, readQueueFile, RefusedFileError, snapshotQueue } from "../../mod.ts";
import { appendLog, privateSkippedLogRows, uploadedLogRows } from "../../lib/store/log_file.ts";
import { failedLogRows } from "../../lib/store/failed_log.ts";

const entry = (sessionId: string, path: string, stamp = "") => ({ sessionId, path, stamp });

Deno.test("appendLog() writes uploaded, private-skipped and failed rows in their exact formats with UTC Z stamps", async () => {
  await using workspace = await tempWorkspace();
  const uploads = [
    { path: "/t/a.jsonl", size: 12, mtimeMs: 34 },
    { path: "/t/b.jsonl", size: 56, mtimeMs: 78, sessionId: "b" },
  ];
  await appendLog(workspace, "uploadedLog", uploadedLogRows(uploads));
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
  const [uploaded, sessionFirst] = await readRows(workspace.file("uploadedLog"));
  const [skipped] = await readRows(workspace.file("privateSkippedLog"));
  const [failed] = await readRows(workspace.file("failedLog"));
  assertMatch(uploaded![0]!, STAMP);
  assertEquals(uploaded!.slice(1), ["/t/a.jsonl", "12", "34"]);
  assertEquals(sessionFirst!.slice(0, 2), ["b", "56"]);
  assertMatch(sessionFirst![2]!, STAMP);
  assertEquals(sessionFirst!.slice(3), ["/t/b.jsonl", "78"]);
  assertMatch(skipped![0]!, STAMP);
  assertEquals(skipped!.slice(1), ["p", "/t/p.jsonl"]);
  assertMatch(failed![0]!, STAMP);
  assertEquals(failed!.slice(1), ["f", "403", "/t/f.jsonl"]);
});

Deno.test("the queue, a snapshot or a log that is a symbolic link is refused, not followed", async () => {
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
