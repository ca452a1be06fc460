/**
 * Stale-lock storm: each round plants a lock left behind by a crash (our
 * owner record naming a dead process, or the empty file the Python tool
 * leaves), starts a holder and SIGKILLs it while twelve contenders wait:
 * Deno processes taking our lock and Python processes taking the Python
 * tool's (`filelock` when installed, else the same algorithm with the
 * standard library). Inside the lock each contender creates a marker file
 * with `O_EXCL`: finding it there means two holders at once. The Deno
 * contenders exit without releasing, so the next taker finds a dead
 * holder's lock too.
 */

import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { CONTENDER, firstLine, python, PYTHON_LOCK, spawnContender } from "../_lock_helpers.ts";
import type { LockOwner } from "../../mod.ts";
import { linesOf, lockProblems, tempFiles } from "./_checks.ts";
import { runMeasured, tryKill } from "./_proc.ts";
import { seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

const CONTENDERS = 12;
const PYTHON_CONTENDERS = 4;
const ROUNDS = scaled(40, 8);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An owner record of ours naming a process of this host that has exited. */
async function deadOwnerRecord(): Promise<string> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  const owner: LockOwner = {
    pid: child.pid,
    host: Deno.hostname(),
    token: "0".repeat(32),
    created: "2026-01-01T00:00:00Z",
    purpose: "crashed",
  };
  return JSON.stringify(owner) + "\n";
}

/** Waits for a holder to say it holds the lock, within `ms`. */
async function heldWithin(holder: Deno.ChildProcess, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => timer = setTimeout(() => resolve(""), ms));
  const said = await Promise.race([firstLine(holder.stdout), timeout]);
  clearTimeout(timer);
  if (said === "") tryKill(holder); // its stdout then ends, and firstLine with it
  return said === "held";
}

Deno.test(`lock: ${ROUNDS} rounds of a planted stale lock and a SIGKILLed holder, ${CONTENDERS} contenders each (${PYTHON_CONTENDERS} of them the Python tool's lock): never two holders, every contender gets the lock`, async () => {
  const clock = startClock();
  const random = seededRandom();
  const interpreter = await python();
  await using workspace = await tempWorkspace();
  const dir = workspace.root;
  const path = `${dir}/agnes-queue.lock`;
  const [marker, pythonRows] = [`${dir}/inside`, `${dir}/python-rows.txt`];
  let [overlaps, kills, acquired, failed] = [0, 0, 0, 0];
  let implementation = "";
  const failures: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await Deno.writeTextFile(path, round % 2 === 0 ? await deadOwnerRecord() : "");
    const holder = spawnContender(["hold", path]);
    if (!await heldWithin(holder, 10_000)) failures.push(`round ${round}: the holder never held`);
    const order = Array.from({ length: CONTENDERS }, (_, k) => k < PYTHON_CONTENDERS);
    order.sort(() => random.next() - 0.5);
    const contenders = order.map((isPython, k) =>
      isPython
        ? runMeasured(
          interpreter,
          [PYTHON_LOCK, path, pythonRows, marker, "1", `py${round}-${k}`],
          { deadlineMs: 60_000 },
        )
        : runMeasured(Deno.execPath(), ["run", "-A", "--quiet", CONTENDER, "race", path, dir], {
          deadlineMs: 60_000,
        })
    );
    await sleep(random.int(0, 40));
    if (tryKill(holder)) kills++;
    await holder.status;
    await holder.stderr.cancel();
    for (const [k, result] of (await Promise.all(contenders)).entries()) {
      const said = result.stdout.trim().split("\n").filter((line) => line !== "");
      overlaps += said.filter((line) => line === "overlap").length;
      const done = said.find((line) => line.startsWith("done "));
      if (done !== undefined) implementation = done.slice(5);
      if (result.code === 0 && !result.timedOut) acquired++;
      else {
        failed++;
        failures.push(`round ${round}, contender ${k}: exit ${result.code}: ${result.stderr}`);
      }
    }
  }
  const rows = (await linesOf(pythonRows)).lines;
  const wellFormed = rows.filter((line) => /^py\d+-\d+-0\t\/t\/py\d+-\d+-0\.jsonl$/.test(line));
  const leftovers = [
    ...await lockProblems(path),
    ...tempFiles(dir),
    ...(await Deno.lstat(marker).then(() => [marker], () => [])),
  ];
  const counts = {
    scenario: "lock_race",
    lost: PYTHON_CONTENDERS * ROUNDS - wellFormed.length,
    torn: rows.length - wellFormed.length,
    duplicates: rows.length - new Set(rows).size,
    overlaps,
    kills,
    leftovers: leftovers.length,
    ms: clock(),
    rounds: ROUNDS,
    contenders: CONTENDERS * ROUNDS,
    acquired,
    failed,
    python: implementation,
    seed: random.seed,
  };
  report(counts);
  assertEquals(failures, []);
  assertEquals(kills, ROUNDS, "every round's holder was killed holding the lock");
  assertEquals(leftovers, []);
  assertInvariants(counts);
});
