/**
 * capture-session under I/O faults injected through the file layer's seam
 * (`AGNES_SESSIONS_TEST_FS_FAULT`, `lib/fs/fault.ts`): a full disk, a
 * failing fsync, a write cut off half-way. The hook exits 0, prints nothing
 * on stdout, says `write_error`, and leaves no torn row.
 */

import { assertEquals, assertMatch } from "../_assert.ts";
import { readIfExists, readRows, runCli, STAMP, tempWorkspace } from "../_helpers.ts";
import type { Workspace } from "../../mod.ts";

const BEFORE = "a\t/t/a.jsonl\n";

/** Runs capture-session for session `id` with the fault `spec` injected. */
function capture(workspace: Workspace, id: string, spec = "") {
  return runCli(["capture-session", "--workspace", workspace.root], {
    stdin: JSON.stringify({ session_id: id, transcript_path: `/t/${id}.jsonl` }),
    env: spec === "" ? {} : { AGNES_SESSIONS_TEST_FS_FAULT: spec },
  });
}

/** A workspace whose queue holds one row. */
async function queuedWorkspace() {
  const workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("queue"), BEFORE);
  return workspace;
}

/** The last capture-log row's outcome and detail. */
async function lastCaptureLogRow(workspace: Workspace): Promise<[string, string]> {
  const last = (await readRows(workspace.file("captureLog"))).at(-1) ?? [];
  assertMatch(last[0] ?? "", STAMP);
  return [last[1]!, last.slice(2).join("\t")];
}

Deno.test("capture-session with a full disk on the queue append exits 0 silently, says write_error and leaves the queue as it was", async () => {
  await using workspace = await queuedWorkspace();
  const result = await capture(workspace, "s1", "append:agnes-sessions.txt:1:ENOSPC");
  assertEquals([result.code, result.stdout], [0, ""]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), BEFORE);
  assertEquals(await lastCaptureLogRow(workspace), [
    "write_error",
    "No space left on device (os error 28)",
  ]);
  // The disk has room again: the next capture lands on a line of its own.
  assertEquals((await capture(workspace, "s2")).code, 0);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), `${BEFORE}s2\t/t/s2.jsonl\n`);
});

Deno.test("capture-session with a full disk on a first append leaves no empty queue behind", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const result = await capture(workspace, "s1", "append:agnes-sessions.txt:ENOSPC");
  assertEquals([result.code, result.stdout], [0, ""]);
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
  assertEquals((await lastCaptureLogRow(workspace))[0], "write_error");
});

Deno.test("capture-session whose capture log cannot be written either still exits 0 silently", async () => {
  await using workspace = await queuedWorkspace();
  const spec = "append:agnes-sessions.txt:ENOSPC,append:agnes-capture-session.log:ENOSPC";
  const result = await capture(workspace, "s1", spec);
  assertEquals([result.code, result.stdout], [0, ""]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), BEFORE);
  assertEquals(await readIfExists(workspace.file("captureLog")), undefined);
});

Deno.test("capture-session whose queue fsync fails (EIO) takes its row back: write_error, the queue as it was", async () => {
  await using workspace = await queuedWorkspace();
  const result = await capture(workspace, "s1", "sync:agnes-sessions.txt:1:EIO");
  assertEquals([result.code, result.stdout], [0, ""]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), BEFORE);
  assertEquals(await lastCaptureLogRow(workspace), [
    "write_error",
    "Input/output error (os error 5)",
  ]);
});

Deno.test("capture-session cut off half-way through its append truncates the half row away", async () => {
  await using workspace = await queuedWorkspace();
  const result = await capture(workspace, "s1", "write-half:agnes-sessions.txt");
  assertEquals([result.code, result.stdout], [0, ""]);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), BEFORE);
  assertEquals((await lastCaptureLogRow(workspace))[0], "write_error");
});
