/**
 * push under I/O faults injected through the file layer's seam
 * (`AGNES_SESSIONS_TEST_FS_FAULT`, `lib/fs/_fault.ts`), each aimed at one
 * write of the durability order: the snapshot rename, the ledger and the
 * uploaded log, the failed log's fsync, the requeue. Whatever fails, the
 * push deletes nothing it has not recorded, and a clean push afterwards
 * finishes the work.
 */

import { assertEquals } from "../_assert.ts";
import { readRows } from "../_helpers.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { listSnapshots, readQueueFile } from "../../mod.ts";

/** Runs `push` with the fault `spec` injected. */
function faultyPush(s: Setup, spec: string, args: string[] = []) {
  return s.cli(["--concurrency", "1", ...args], { AGNES_SESSIONS_TEST_FS_FAULT: spec });
}

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
