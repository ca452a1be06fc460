/**
 * A push killed at each of its steps loses nothing: the next push finishes
 * what it left. The push kills itself at a named step
 * (`AGNES_SESSIONS_TEST_CRASH_AT`), so every step is pinned, not hit by luck.
 */

import { assert, assertEquals } from "../_assert.ts";
import { readIfExists, readRows, runCli } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";
import { listSnapshots } from "../../mod.ts";

const POINTS = [
  "after-snapshot",
  "after-retry-snapshot",
  "after-failed-log-rewrite",
  "after-upload:1",
  "after-upload:2",
  "after-logs",
  "after-requeue",
];

for (const point of POINTS) {
  Deno.test(`push --retry-failed killed ${point} loses nothing: a clean push then delivers every session`, async () => {
    await using s = await setup();
    const env = { ...s.env, AGNES_LOCAL_DIR: s.workspace.root };
    const [queued, second, failed, flaky] = [
      await s.transcript("queued"),
      await s.transcript("second"),
      await s.transcript("failed"),
      await s.transcript("flaky"),
    ];
    await s.queue(["queued", queued], ["second", second], ["flaky", flaky]);
    await Deno.writeTextFile(
      s.workspace.file("failedLog"),
      `2026-01-01T00:00:00Z\tfailed\t409\t${failed}\n`,
    );
    // Transient in the killed push: requeued, if it gets that far (the retried one too).
    s.statuses.set("flaky.jsonl", 503).set("failed.jsonl", 503);
    const killed = await runCli(["push", "--retry-failed", "--concurrency", "1"], {
      env: { ...env, AGNES_SESSIONS_TEST_CRASH_AT: point },
    });
    assertEquals(killed.code, 137, `${point}: ${killed.stderr}`); // SIGKILL
    s.statuses.clear();
    const clean = await runCli(["push", "--json"], { env });
    assertEquals(clean.code, 0, clean.stderr);
    const stored = [...(await s.receiver.stored()).keys()].sort();
    if (point === "after-snapshot") {
      // Killed before the retry began: the failed entry is still in the failed log, for a retry.
      assertEquals(stored, ["flaky.jsonl", "queued.jsonl", "second.jsonl"]);
      assertEquals((await readRows(s.workspace.file("failedLog"))).map((row) => row[1]), [
        "failed",
      ]);
    } else {
      assertEquals(stored, ["failed.jsonl", "flaky.jsonl", "queued.jsonl", "second.jsonl"]);
    }
    assertEquals(await listSnapshots(s.workspace), []);
    assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
    const accepted = s.seen.filter(([name]) => name === "queued.jsonl" || name === "second.jsonl");
    assert(accepted.length <= 2, `${accepted.length} uploads of 2 sessions the server accepted`);
  });
}

Deno.test("push --retry-failed moves retried entries to a snapshot before they leave the failed log", async () => {
  await using s = await setup();
  const failed = await s.transcript("failed");
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(
    s.workspace.file("failedLog"),
    `2026-01-01T00:00:00Z\tfailed\t409\t${failed}\n`,
  );
  const killed = await runCli(["push", "--retry-failed", "--workspace", s.workspace.root], {
    env: { ...s.env, AGNES_SESSIONS_TEST_CRASH_AT: "after-failed-log-rewrite" },
  });
  assertEquals(killed.code, 137);
  assertEquals(await Deno.readTextFile(s.workspace.file("failedLog")), "");
  const [snapshot] = await listSnapshots(s.workspace);
  assertEquals(await readRows(snapshot!), [["failed", failed]]);
});

Deno.test("push logs a malformed queue row once, even when it is killed after reading it and run again", async () => {
  await using s = await setup();
  const good = await s.transcript("good");
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("queue"), `good\t${good}\nbad\0row\t/x.jsonl\n`);
  const env = { ...s.env, AGNES_LOCAL_DIR: s.workspace.root };
  const killed = await runCli(["push"], {
    env: { ...env, AGNES_SESSIONS_TEST_CRASH_AT: "after-upload" },
  });
  assertEquals(killed.code, 137);
  assertEquals((await runCli(["push"], { env })).code, 0);
  const rows = await readRows(s.workspace.file("failedLog"));
  assertEquals(rows.map((row) => row[2]), ["malformed"]);
  assertEquals([...(await s.receiver.stored()).keys()], ["good.jsonl"]);
});
