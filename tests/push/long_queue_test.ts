/**
 * A queue far longer than a push keeps in memory: entries are streamed twice
 * (deduplicated exactly, earliest stamp kept), rows for the queue and the
 * logs are written out in groups as they gather, and the report lists a
 * bounded number of errors. Memory and time are the benchmark's business
 * (`deno task bench`); these pin what must stay true.
 */

import { assert, assertEquals } from "../_assert.ts";
import { readIfExists, readRows } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";
import { listSnapshots } from "../../mod.ts";
import { MAX_REPORTED_ERRORS } from "../../lib/push/report.ts";
import { FLUSH_ROWS } from "../../lib/push/_record_outcomes.ts";

/** `count` distinct sessions whose transcripts are not there yet, each queued twice. */
function missingEntries(projects: string, count: number): [string, string][] {
  const entries = Array.from(
    { length: count },
    (_, i) => [`s${i}`, `${projects}/-w/s${i}.jsonl`] as [string, string],
  );
  return [...entries, ...entries];
}

Deno.test(`push requeues ${FLUSH_ROWS * 2 + 500} entries once each, in groups, and reports the first ${MAX_REPORTED_ERRORS} errors`, async () => {
  await using s = await setup();
  const count = FLUSH_ROWS * 2 + 500;
  await s.queue(...missingEntries(s.projects, count));
  const report = await s.push();
  assertEquals(report.requeued, count);
  assertEquals(report.requeueReasons, ["not_found"]);
  assertEquals(report.errors.length, MAX_REPORTED_ERRORS);
  assertEquals(report.errorsOmitted, count - MAX_REPORTED_ERRORS);
  const rows = await readRows(s.workspace.file("queue"));
  assertEquals(rows.length, count);
  assertEquals(new Set(rows.map((row) => row[0])).size, count);
  assert(rows.every((row) => row.length === 3 && row[2]!.endsWith("Z")), "each row stamped");
  assertEquals(await listSnapshots(s.workspace), []);
});

Deno.test("push killed after writing a group of requeued rows early loses none and duplicates none", async () => {
  await using s = await setup();
  const count = FLUSH_ROWS + 300;
  await s.queue(...missingEntries(s.projects, count));
  const killed = await s.cli(["--quiet"], { AGNES_SESSIONS_TEST_CRASH_AT: "after-early-flush" });
  assertEquals(killed.code, 137, killed.stderr); // SIGKILL once the first group is on the queue
  const early = await readRows(s.workspace.file("queue"));
  assertEquals(early.length, FLUSH_ROWS);
  assertEquals((await listSnapshots(s.workspace)).length, 1); // the snapshot still holds all
  const clean = await s.cli(["--json"]);
  assertEquals(clean.code, 0, clean.stderr);
  assertEquals(JSON.parse(clean.stdout).requeued, count);
  const rows = await readRows(s.workspace.file("queue"));
  assertEquals(new Set(rows.map((row) => row[0])).size, count);
  assertEquals(rows.length, count);
  const firstStamp = new Map(early.map((row) => [row[0], row[2]]));
  for (const row of rows) {
    if (firstStamp.has(row[0]!)) assertEquals(row[2], firstStamp.get(row[0]!)); // kept, not reset
  }
  assertEquals(await listSnapshots(s.workspace), []);
});

Deno.test("push of a long queue sends each distinct transcript once, in queue order, with its earliest stamp", async () => {
  await using s = await setup();
  const names = Array.from({ length: 300 }, (_, i) => `t${String(i).padStart(3, "0")}`);
  for (const name of names) await s.transcript(name);
  const rows: [string, string, string?][] = [];
  for (const [i, name] of names.entries()) {
    const path = `${s.projects}/-w/${name}.jsonl`;
    rows.unshift( // the last name first
      [name, path, i % 2 === 0 ? "2026-11-20T00:00:00Z" : ""],
      [name, path, "2026-11-10T00:00:00Z"], // the earlier stamp, seen second
    );
  }
  await s.queue(...rows);
  s.statuses.set("t000.jsonl", 503); // requeued: its stamp shows which one was kept
  const report = await s.push();
  assertEquals(report.sessions, names.length - 1);
  assertEquals(s.seen.map(([name]) => name), names.toReversed().map((name) => `${name}.jsonl`));
  assertEquals(await readRows(s.workspace.file("queue")), [
    ["t000", `${s.projects}/-w/t000.jsonl`, "2026-11-10T00:00:00Z"],
  ]);
});

Deno.test("push --dry-run over a long queue lists each distinct entry once and changes nothing", async () => {
  await using s = await setup();
  const count = 1500;
  await s.queue(...missingEntries(s.projects, count));
  const before = await Deno.readTextFile(s.workspace.file("queue"));
  const result = await s.cli(["--dry-run", "--json"]);
  assertEquals(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout);
  assertEquals(plan.missing.length, count);
  assertEquals(new Set(plan.missing.map((entry: { path: string }) => entry.path)).size, count);
  assertEquals(await readIfExists(s.workspace.file("queue")), before);
});
