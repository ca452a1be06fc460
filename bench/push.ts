/**
 * Push throughput against a loopback `serve` process, from the bundle the
 * binary is compiled from:
 *
 * - 200 transcripts of 64 KiB, concurrency 4: `push --no-gzip` against a bare
 *   `fetch` loop process sending the same files plain with the same
 *   concurrency (target: at most 1.15); gzip is printed for reference;
 * - one 48 MiB transcript: `push --no-gzip` against a bare `fetch` process of
 *   the same file (target: at most 1.5); gzip and the peak memory of each are
 *   printed for reference.
 *
 * Runs are interleaved (baseline, subjects, baseline, …); both sides are
 * whole processes with the same flags, so both pay a start-up.
 *
 * `deno run -A bench/push.ts` (`BENCH_PUSH_ROUNDS`, default 7).
 *
 * @module
 */

import {
  buildBundle,
  clientEnv,
  heading,
  mb,
  measure,
  type Measured,
  median,
  ms,
  note,
  report,
  ROOT,
  startReceiver,
  TOKEN,
} from "./_bench.ts";

const ROUNDS = Number(Deno.env.get("BENCH_PUSH_ROUNDS") ?? 7);
const FETCH_LOOP = `${ROOT}bench/fetch_loop.ts`;
const LINE = `{"type":"assistant","message":"${"z".repeat(1000)}"}\n`;

interface Fixture {
  root: string;
  workspace: string;
  env: Record<string, string>;
  url: string;
}

let touches = 0;

/**
 * Puts `rows` on the queue and gives each file a new modification time, so
 * the ledger sees a changed file and it is sent again (as a transcript that
 * grew would be); the ledger's files stay, as they do between pushes.
 */
async function requeue(fixture: Fixture, rows: string, files: readonly string[]): Promise<void> {
  const state = `${fixture.workspace}/.claude`;
  await Deno.writeTextFile(`${state}/agnes-sessions.txt`, rows);
  const mtime = new Date(Date.UTC(2026, 0, 1) + ++touches * 1000);
  for (const file of files) Deno.utimeSync(file, mtime, mtime);
}

/** Runs the baseline and each subject once per round, interleaved; round 0 warms up. */
async function interleaved(
  subjects: Record<string, () => Promise<Measured>>,
): Promise<Map<string, Measured[]>> {
  const results = new Map(Object.keys(subjects).map((name) => [name, [] as Measured[]]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(subjects)) {
      const measured = await run();
      if (round > 0) results.get(name)!.push(measured);
    }
  }
  return results;
}

const medianMs = (runs: Measured[]) => median(runs.map((run) => run.ms));
const medianPeak = (runs: Measured[]) => median(runs.map((run) => run.peakBytes));

async function manySmall(fixture: Fixture, bundle: string): Promise<void> {
  const projects = `${fixture.root}/claude/projects/-bench`;
  const files = Array.from({ length: 200 }, (_, i) => `${projects}/small-${i}.jsonl`);
  for (const path of files) await Deno.writeTextFile(path, LINE.repeat(64));
  const queue = files.map((path, i) => `small-${i}\t${path}\n`).join("");
  const push = (extra: string[]) => async () => {
    await requeue(fixture, queue, files);
    const args = [bundle, "push", "--quiet", "--workspace", fixture.workspace, ...extra];
    return await measure([...args, "--concurrency", "4"], fixture.env);
  };
  const results = await interleaved({
    fetch: () => measure([FETCH_LOOP, fixture.url, TOKEN, "4", ...files], fixture.env),
    plain: push(["--no-gzip"]),
    gzip: push([]),
  });
  const base = medianMs(results.get("fetch")!);
  heading(`push of 200 transcripts of 64 KiB, concurrency 4 (${ROUNDS} interleaved runs, median)`);
  report({
    label: "push --no-gzip vs a bare fetch loop",
    value: ms(medianMs(results.get("plain")!)),
    baseline: ms(base),
    ratio: medianMs(results.get("plain")!) / base,
    target: { max: 1.15 },
  });
  const gzip = medianMs(results.get("gzip")!);
  note(`push (gzip, the default): ${ms(gzip)}, ratio ${(gzip / base).toFixed(2)} (for reference)`);
}

async function oneLarge(fixture: Fixture, bundle: string): Promise<void> {
  const big = `${fixture.root}/claude/projects/-bench/big.jsonl`;
  using file = await Deno.open(big, { write: true, create: true, truncate: true });
  const chunk = new TextEncoder().encode(LINE.repeat(1024));
  for (let written = 0; written < 48 * 1024 * 1024; written += chunk.length) {
    await file.write(chunk);
  }
  const push = (extra: string[]) => async () => {
    await requeue(fixture, `big\t${big}\n`, [big]);
    const args = [bundle, "push", "--quiet", "--workspace", fixture.workspace, ...extra];
    return await measure(args, fixture.env, { peakRss: true });
  };
  const results = await interleaved({
    fetch: () =>
      measure([FETCH_LOOP, fixture.url, TOKEN, "1", big], fixture.env, { peakRss: true }),
    plain: push(["--no-gzip"]),
    gzip: push([]),
  });
  const base = medianMs(results.get("fetch")!);
  heading(`push of one 48 MiB transcript (${ROUNDS} interleaved runs, median)`);
  report({
    label: "push --no-gzip vs a bare fetch of the file",
    value: ms(medianMs(results.get("plain")!)),
    baseline: ms(base),
    ratio: medianMs(results.get("plain")!) / base,
    target: { max: 1.5 },
  });
  const gzip = medianMs(results.get("gzip")!);
  note(`push (gzip): ${ms(gzip)}, ratio ${(gzip / base).toFixed(2)} (for reference)`);
  note(
    `peak RSS: bare fetch ${mb(medianPeak(results.get("fetch")!))}, push --no-gzip ${
      mb(medianPeak(results.get("plain")!))
    }, push (gzip) ${mb(medianPeak(results.get("gzip")!))}`,
  );
}

/** Runs the push benchmarks and prints their figures. */
export async function benchPush(): Promise<void> {
  const bundle = await buildBundle();
  const root = await Deno.makeTempDir({ prefix: "agnes-bench-push-" });
  try {
    await using receiver = await startReceiver(`${root}/data`);
    await Deno.mkdir(`${root}/claude/projects/-bench`, { recursive: true });
    const workspace = `${root}/workspace`;
    await Deno.mkdir(`${workspace}/.claude`, { recursive: true });
    const env = clientEnv(root, receiver.url);
    const fixture = { root, workspace, env, url: receiver.url };
    await manySmall(fixture, bundle);
    await oneLarge(fixture, bundle);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) await benchPush();
