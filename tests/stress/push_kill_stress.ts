/**
 * Push killed: SIGKILLed at every instrumented step (the crash points of
 * `lib/push/_crash_point.ts`, the n-th upload for several n, with and
 * without `--retry-failed`) and at random instants of its whole life, each
 * kill followed by a clean push. Nothing may be lost: after each clean push
 * every transcript queued so far is on the server, intact, and no queue,
 * snapshot or temp file is left. Duplicates are counted from the server
 * (how many times each name was stored) and may only come from a kill that
 * cut an upload off: the server stored it but the ledger had not recorded
 * it yet. With one upload at a time, a kill cuts off at most one.
 */

import { assert, assertEquals } from "../_assert.ts";
import { appendLog } from "../../lib/store/log_file.ts";
import { listSnapshots } from "../../mod.ts";
import { tempFiles } from "./_checks.ts";
import { runCliMeasured, tryKill } from "./_proc.ts";
import { duplicateStores, type PushHarness, pushHarness } from "./_push_harness.ts";
import { type Random, seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

/** Random-instant kills that must land (the push still running); at most three times as many tries. */
const RANDOM_KILLS = scaled(50, 10);
const BATCH = 8;
/** Crash point, and whether the killed push runs with --retry-failed. */
const POINTS: [string, boolean][] = [
  ["after-snapshot", false],
  ["after-snapshot", true],
  ["after-retry-snapshot", true],
  ["after-failed-log-rewrite", true],
  ["after-upload:1", false],
  ["after-upload:4", true],
  ["after-upload:7", false],
  ["after-logs", false],
  ["after-logs", true],
  ["after-requeue", false],
  ["after-requeue", true],
];

/** A transcript of 16 to 64 KiB of JSON lines that gzip cannot shrink to nothing. */
function transcriptContent(random: Random): Uint8Array {
  const lines: string[] = [];
  const target = random.int(16, 64) * 1024;
  for (let size = 0; size < target; size += 1024) {
    lines.push(`{"type":"assistant","text":"${random.text(990)}"}`);
  }
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

/** The scenario's state: what must reach the server, and what was counted. */
interface Run {
  h: PushHarness;
  random: Random;
  expected: Map<string, Uint8Array>;
  batches: number;
  failures: string[];
  /** Names a clean push should have delivered and did not. */
  undelivered: number;
  /** Temp files killed pushes left behind. */
  killTemps: Set<string>;
}

/** Queues a batch of new transcripts (one answered 503 by the killed push), and with `retry` one in the failed log. */
async function addBatch(run: Run, retry: boolean): Promise<void> {
  const { h, random } = run;
  const names: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const name = `b${run.batches}-${i}`;
    const bytes = transcriptContent(random);
    await h.queue({ sessionId: name, path: await h.transcript(name, bytes), stamp: "" });
    run.expected.set(`${name}.jsonl`, bytes);
    names.push(name);
  }
  if (retry) {
    const name = `b${run.batches}-failed`;
    const bytes = transcriptContent(random);
    const path = await h.transcript(name, bytes);
    await appendLog(h.workspace, "failedLog", [`2026-01-01T00:00:00Z\t${name}\t409\t${path}`]);
    run.expected.set(`${name}.jsonl`, bytes);
  }
  h.statuses.set(`${random.pick(names)}.jsonl`, 503);
  run.batches++;
}

/** How a killed push went: whether the kill landed, and how many uploads it cut off. */
interface Killed {
  killed: boolean;
  cutOff: number;
  ms: number;
}

/** Runs a push that is killed at `point` (a crash point) or after `delayMs`. */
async function killedPush(
  run: Run,
  retry: boolean,
  how: { point: string } | { delayMs: number },
): Promise<Killed> {
  const { h } = run;
  const storedBefore = new Map(h.stores);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result = await runCliMeasured(
    ["push", "--concurrency", "1", ...(retry ? ["--retry-failed"] : [])],
    {
      env: { ...h.env, ...("point" in how ? { AGNES_SESSIONS_TEST_CRASH_AT: how.point } : {}) },
      deadlineMs: 60_000,
      ...("delayMs" in how
        ? { onSpawn: (child) => timer = setTimeout(() => tryKill(child), how.delayMs) }
        : {}),
    },
  );
  clearTimeout(timer);
  if (result.timedOut) run.failures.push(`a push ran past its deadline: ${result.stderr}`);
  const ledger = await h.ledgerPaths();
  const cutOff =
    [...h.stores].filter(([name, count]) =>
      count > (storedBefore.get(name) ?? 0) && !ledger.has(`${h.projects}/-w/${name}`)
    ).length;
  return { killed: result.signal === "SIGKILL" && !result.timedOut, cutOff, ms: result.ms };
}

/** A push with no fault, then the checks: everything queued so far is on the server, nothing left over. */
async function cleanPush(run: Run): Promise<number> {
  const { h } = run;
  h.statuses.clear();
  const result = await runCliMeasured(["push", "--json", "--retry-failed"], {
    env: h.env,
    deadlineMs: 120_000,
  });
  if (result.code !== 0) run.failures.push(`clean push exit ${result.code}: ${result.stderr}`);
  else {
    const report = JSON.parse(result.stdout);
    const { requeued, dropped_permanent: dropped, errors } = report;
    if (requeued !== 0 || dropped !== 0 || errors.length !== 0) {
      run.failures.push(`clean push: ${result.stdout}`);
    }
  }
  const stored = await h.stored();
  run.undelivered += [...run.expected.keys()].filter((name) => !stored.has(name)).length;
  // A push killed mid-rewrite leaves a temp file; the next push keeps it until it is 10
  // minutes old (it may be a live writer's), so it is aged and swept at the end instead.
  for (const temp of tempFiles(h.workspace.stateDir)) run.killTemps.add(temp);
  const debris = [
    ...await listSnapshots(h.workspace),
    ...await Deno.lstat(h.workspace.file("queue")).then(() => ["the queue"], () => []),
  ];
  if (debris.length > 0) run.failures.push(`after a clean push: ${debris.join(", ")}`);
  return debris.length;
}

Deno.test(`push SIGKILLed at each of ${POINTS.length} crash points and at ${RANDOM_KILLS} random instants, each followed by a clean push: nothing lost, duplicates only from kills that cut an upload off`, async () => {
  const clock = startClock();
  const random = seededRandom();
  await using h = await pushHarness();
  const run: Run = {
    h,
    random,
    expected: new Map(),
    batches: 0,
    failures: [],
    undelivered: 0,
    killTemps: new Set(),
  };
  let [kills, cutOffKills, leftovers, finishedFirst] = [0, 0, 0, 0];
  const count = (killed: Killed) => {
    if (killed.killed) kills++;
    else finishedFirst++;
    if (killed.cutOff > 0) cutOffKills++;
    assert(killed.cutOff <= 1, `one kill cut ${killed.cutOff} uploads off, with one at a time`);
  };

  for (const [point, retry] of POINTS) {
    await addBatch(run, retry);
    const killed = await killedPush(run, retry, { point });
    assert(killed.killed, `the push did not reach ${point}${retry ? " with --retry-failed" : ""}`);
    count(killed);
    leftovers += await cleanPush(run);
  }
  // A push of one batch, unkilled, measures how long a push lives: kills land anywhere in that.
  await addBatch(run, true);
  const lifetime = (await killedPush(run, true, { delayMs: 600_000 })).ms;
  leftovers += await cleanPush(run);
  let randomKills = 0;
  for (let round = 0; randomKills < RANDOM_KILLS && round < 3 * RANDOM_KILLS; round++) {
    const retry = random.chance(0.5);
    await addBatch(run, retry);
    const killed = await killedPush(run, retry, { delayMs: random.next() * lifetime });
    count(killed);
    if (killed.killed) randomKills++;
    leftovers += await cleanPush(run);
  }

  // The temp files the kills left, 11 minutes old: the next push sweeps every one.
  const aged = new Date(Date.now() - 11 * 60 * 1000);
  for (const temp of tempFiles(h.workspace.stateDir)) await Deno.utime(temp, aged, aged);
  leftovers += await cleanPush(run);
  const unswept = tempFiles(h.workspace.stateDir);
  leftovers += unswept.length;
  if (unswept.length > 0) {
    run.failures.push(`temp files a push did not sweep: ${unswept.join(", ")}`);
  }
  const stored = await h.stored();
  const torn = [...run.expected].filter(([name, bytes]) => {
    const got = stored.get(name);
    return got !== undefined &&
      (got.length !== bytes.length || !got.every((b, i) => b === bytes[i]));
  }).length;
  const counts = {
    scenario: "push_kill",
    lost: run.undelivered,
    torn,
    duplicates: duplicateStores(h.stores),
    overlaps: 0,
    kills,
    leftovers,
    ms: clock(),
    crash_points: POINTS.length,
    random_instants: randomKills,
    finished_before_kill: finishedFirst,
    kills_during_upload: cutOffKills,
    temps_left_by_kills: run.killTemps.size,
    transcripts: run.expected.size,
    push_lifetime_ms: lifetime,
    seed: random.seed,
  };
  report(counts);
  assertEquals(run.failures, []);
  assertEquals(randomKills, RANDOM_KILLS, "kills that landed at random instants");
  assertInvariants(counts, cutOffKills);
});
