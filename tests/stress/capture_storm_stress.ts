/**
 * Capture storm: many capture-session processes at once, a share of them
 * SIGKILLed at random instants, while the queue is renamed to snapshots
 * underneath them (as a push does).
 *
 * A capture is acknowledged when its process exited 0 on its own (no signal),
 * said `ok` (`--verbose`, on stderr) and its capture-log row says `ok` for exactly
 * its session and path: what a hook's caller and a user can see. Every
 * acknowledged capture must be queued (in the live queue or a snapshot)
 * exactly once, every row must be whole, the queue lock must be left free
 * (its owner record empty or naming a process that died), and no temp file
 * may remain.
 */

import { assert, assertEquals } from "../_assert.ts";
import { readRows, tempWorkspace } from "../_helpers.ts";
import { snapshotQueue } from "../../mod.ts";
import { extraOccurrences, lockProblems, queuedLines, tempFiles } from "./_checks.ts";
import { cliArgs, tryKill } from "./_proc.ts";
import { seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

const WRITERS = scaled(16, 6);
const CAPTURES = scaled(40, 12);
const KILL_SHARE = 0.35;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One capture process and how it ended. */
interface Capture {
  id: string;
  path: string;
  code: number;
  killed: boolean;
  /** The outcome it stated on stderr (`--verbose`); "" when it said none. */
  said: string;
  ms: number;
}

/** Durations of captures that ran to their end, to aim the kills at a capture's lifetime. */
class Lifetimes {
  #recent: number[] = [];
  add(ms: number) {
    this.#recent.push(ms);
    if (this.#recent.length > 32) this.#recent.shift();
  }
  median(): number {
    if (this.#recent.length === 0) return 150;
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }
}

/** How many captures said each outcome. */
function tally(captures: readonly Capture[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { said } of captures) counts.set(said, (counts.get(said) ?? 0) + 1);
  return counts;
}

Deno.test(`capture-session from ${WRITERS} processes x ${CAPTURES} captures, a third SIGKILLed at random instants, the queue snapshotted meanwhile: every acknowledged capture queued once and whole, the lock left free, no temp file`, async () => {
  const clock = startClock();
  const random = seededRandom();
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const lifetimes = new Lifetimes();

  const runCapture = async (id: string, path: string, kill: boolean): Promise<Capture> => {
    const started = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: cliArgs("capture-session", "--verbose", "--workspace", workspace.root),
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const writer = child.stdin.getWriter();
    const payload = JSON.stringify({ session_id: id, transcript_path: path });
    writer.write(new TextEncoder().encode(payload)).then(() => writer.close()).catch(() => {});
    const timer = kill
      ? setTimeout(() => tryKill(child), random.next() * lifetimes.median())
      : undefined;
    const status = await child.status;
    clearTimeout(timer);
    const ms = performance.now() - started;
    const killed = status.signal === "SIGKILL";
    if (!killed) lifetimes.add(ms);
    // "capture-session: ok: id<TAB>path", or "capture-session: lock_timeout: …"
    const said = /^capture-session: (\w+)(?::|$)/m.exec(
      (await stderr).split("\n").filter((line) => !line.includes(" workspace ")).join("\n"),
    )?.[1] ?? "";
    return { id, path, code: status.code, killed, said, ms };
  };

  let snapshotting = true;
  let snapshots = 0;
  const snapshotter = (async () => {
    while (snapshotting) {
      if (await snapshotQueue(workspace) !== undefined) snapshots++;
      await sleep(random.int(5, 40));
    }
  })();
  const captures = (await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const done: Capture[] = [];
      for (let i = 0; i < CAPTURES; i++) {
        const id = `w${w}-${i}`;
        done.push(await runCapture(id, `/t/${id}.jsonl`, random.chance(KILL_SHARE)));
      }
      return done;
    }),
  )).flat();
  snapshotting = false;
  await snapshotter;

  const crumbs = (await readRows(workspace.file("captureLog"))).map((row) => ({
    outcome: row[1]!,
    detail: row.slice(2).join("\t"),
  }));
  const okCrumbs = new Set(crumbs.filter((c) => c.outcome === "ok").map((c) => c.detail));
  const survivors = captures.filter((capture) => !capture.killed);
  const acknowledged = survivors.filter((capture) =>
    capture.code === 0 && capture.said === "ok" && okCrumbs.has(`${capture.id} ${capture.path}`)
  );
  const { lines, tornEnds } = await queuedLines(workspace);
  const issued = new Set(captures.map((capture) => `${capture.id}\t${capture.path}`));
  const present = new Set(lines);
  const lost = acknowledged.filter((capture) => !present.has(`${capture.id}\t${capture.path}`));
  const killedPresent = captures.filter((capture) =>
    capture.killed && present.has(`${capture.id}\t${capture.path}`)
  );
  const said = tally(survivors);
  const leftovers = [
    ...await lockProblems(workspace.file("queueLock")),
    ...tempFiles(workspace.stateDir),
  ];
  const counts = {
    scenario: "capture_storm",
    lost: lost.length,
    torn: lines.filter((line) => !issued.has(line)).length + tornEnds,
    duplicates: extraOccurrences(lines),
    overlaps: 0,
    kills: captures.length - survivors.length,
    leftovers: leftovers.length,
    ms: clock(),
    captures: captures.length,
    acknowledged: acknowledged.length,
    killed_after_append: killedPresent.length,
    lock_timeouts: said.get("lock_timeout") ?? 0,
    slowest_capture_ms: Math.round(Math.max(...survivors.map((capture) => capture.ms))),
    snapshots,
    seed: random.seed,
  };
  report(counts);
  // A hook exits 0 whatever happens, says what it did, and leaves a capture-log row unless killed.
  assertEquals(survivors.filter((capture) => capture.code !== 0).map((c) => c.id), []);
  assertEquals([...said.keys()].filter((outcome) => !["ok", "lock_timeout"].includes(outcome)), []);
  for (const [outcome, count] of said) {
    const logged = crumbs.filter((crumb) => crumb.outcome === outcome).length;
    assert(logged >= count, `${count} survivors said ${outcome}, ${logged} capture-log rows do`);
  }
  assertEquals(acknowledged.length, said.get("ok") ?? 0);
  assert(acknowledged.length > captures.length / 2, `only ${acknowledged.length} acknowledged`);
  assert(leftovers.length === 0, leftovers.join("\n"));
  assertInvariants(counts);
});
