/**
 * How a push's cost grows with its queue: queues of 1k, 10k, 100k and 1M
 * rows (each distinct entry twice, as captures at SessionStart and
 * SessionEnd leave them, over 1,000 transcripts the server already has), each
 * pushed whole and planned with `push --dry-run`, against a push of a one-row
 * queue as the fixed cost:
 *
 * - time per row flat across sizes: the cost of each further row from
 *   100k to 1M within 1.25 × of that from 10k to 100k (and each size's time
 *   above the one-row push, per row, printed: smaller queues carry the
 *   one-time costs of a push that has anything to do, such as reading the
 *   ledger's shards);
 * - a push of 100k rows in at most 1 s;
 * - peak RSS at 1M rows at most 64 MB above the one-row push's peak.
 *
 * `deno run -A bench/queue.ts [SIZE...]` (`BENCH_ROUNDS`, default 3;
 * `BENCH_PLOT=FILE` writes the SVG plot of time and memory against size).
 *
 * @module
 */

import { UploadLedger } from "../lib/store/upload_ledger.ts";
import { Workspace } from "../lib/store/workspace.ts";
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
  startReceiver,
} from "./_bench.ts";
import { writeScalePlot } from "./_plot.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const TRANSCRIPTS = 1000;

function sessionId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** 1,000 small transcripts in a projects folder. */
async function makeTranscripts(root: string): Promise<string[]> {
  const folder = `${root}/claude/projects/-bench`;
  await Deno.mkdir(folder, { recursive: true });
  const paths = Array.from({ length: TRANSCRIPTS }, (_, i) => `${folder}/${sessionId(i)}.jsonl`);
  for (const path of paths) Deno.writeTextFileSync(path, `{"type":"user"}\n`);
  return paths;
}

async function recordAsSent(workspace: Workspace, server: string, paths: string[]): Promise<void> {
  using ledger = new UploadLedger(workspace, server);
  for (const path of paths) {
    const info = Deno.statSync(path);
    await ledger.record(path, info.size, info.mtime?.getTime() ?? 0);
  }
  await ledger.compact();
}

/** Writes a queue of `rows` rows: `rows / 2` distinct entries, each twice. */
async function writeQueue(workspace: Workspace, rows: number, paths: string[]): Promise<void> {
  const distinct = Math.max(1, Math.floor(rows / 2));
  using file = await Deno.open(workspace.file("queue"), {
    write: true,
    create: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  let chunk = "";
  for (let row = 0; row < rows; row++) {
    const entry = row % distinct;
    chunk += `${sessionId(entry)}\t${paths[entry % paths.length]}\n`;
    if (chunk.length > 1 << 20) {
      await file.write(encoder.encode(chunk));
      chunk = "";
    }
  }
  await file.write(encoder.encode(chunk));
}

/** One measured push (or dry run) of a fresh queue of `rows` rows, from `bundle`. */
async function pushOnce(
  bundle: string,
  workspace: Workspace,
  rows: number,
  paths: string[],
  env: Record<string, string>,
  extra: string[],
): Promise<Measured> {
  await writeQueue(workspace, rows, paths);
  const args = [bundle, "push", "--quiet", "--workspace", workspace.root, ...extra];
  const measured = await measure(args, env, { peakRss: true });
  await Deno.remove(workspace.file("queue")).catch(() => {});
  return measured;
}

interface Sample {
  push: Measured[];
  plan: Measured[];
}

/** One size's medians, and its time above the one-row push per row. */
function summarise(samples: Map<number, Sample>) {
  const base = samples.get(1)!;
  const fixed = median(base.push.map((m) => m.ms));
  const fixedPlan = median(base.plan.map((m) => m.ms));
  const idlePeak = median(base.push.map((m) => m.peakBytes));
  const rows = [...samples.keys()].filter((size) => size > 1);
  return rows.map((size) => {
    const sample = samples.get(size)!;
    const pushMs = median(sample.push.map((m) => m.ms));
    const planMs = median(sample.plan.map((m) => m.ms));
    return {
      size,
      pushMs,
      planMs,
      perRowUs: ((pushMs - fixed) / size) * 1000,
      planPerRowUs: ((planMs - fixedPlan) / size) * 1000,
      peak: median(sample.push.map((m) => m.peakBytes)),
      planPeak: median(sample.plan.map((m) => m.peakBytes)),
      fixed,
      idlePeak,
    };
  });
}

type Result = ReturnType<typeof summarise>[number];

/** The time each further row costs from `from` to `to`, in µs. */
function marginalUs(from: Result, to: Result): number {
  return ((to.pushMs - from.pushMs) / (to.size - from.size)) * 1000;
}

function printFigures(results: Result[]): void {
  const at = (size: number) => results.find((result) => result.size === size);
  const [tenK, hundredK, million] = [at(10_000), at(100_000), at(1_000_000)];
  if (results[0] === undefined) return;
  note(`one-row push (fixed cost): ${ms(results[0].fixed)}, peak RSS ${mb(results[0].idlePeak)}`);
  for (const result of results) {
    note(
      `${String(result.size).padStart(9)} rows: push ${ms(result.pushMs).padStart(9)} ` +
        `(${result.perRowUs.toFixed(2)} µs/row above it, peak ${mb(result.peak)}), dry run ${
          ms(result.planMs).padStart(9)
        } (${result.planPerRowUs.toFixed(2)} µs/row, peak ${mb(result.planPeak)})`,
    );
  }
  if (tenK !== undefined && hundredK !== undefined && million !== undefined) {
    const [early, late] = [marginalUs(tenK, hundredK), marginalUs(hundredK, million)];
    report({
      label: "push time per row, 100k-1M vs 10k-100k",
      value: `${late.toFixed(2)} µs`,
      baseline: `${early.toFixed(2)} µs`,
      ratio: late / early,
      target: { max: 1.25 },
    });
  }
  if (hundredK !== undefined) {
    report({
      label: "push of 100k rows, vs 1 s",
      value: ms(hundredK.pushMs),
      baseline: "1000 ms",
      ratio: hundredK.pushMs / 1000,
      target: { max: 1 },
    });
  }
  if (million !== undefined) {
    report({
      label: "peak RSS above idle at 1M rows, vs 64 MB",
      value: mb(million.peak - million.idlePeak),
      baseline: "64.0 MB",
      ratio: (million.peak - million.idlePeak) / 64e6,
      target: { max: 1 },
    });
  }
}

/**
 * Runs the queue benchmark for `sizes` (rows), printing its figures; with a
 * plot path, writes the SVG there.
 */
export async function benchQueue(sizes: readonly number[], plot?: string): Promise<void> {
  const bundle = await buildBundle();
  const root = await Deno.makeTempDir({ prefix: "agnes-bench-queue-" });
  try {
    await using receiver = await startReceiver(`${root}/data`);
    const paths = await makeTranscripts(root);
    const workspace = new Workspace(`${root}/workspace`);
    await Deno.mkdir(workspace.stateDir, { recursive: true });
    await recordAsSent(workspace, receiver.url, paths);
    const env = clientEnv(root, receiver.url);
    const all = [1, ...sizes];
    const samples = new Map(all.map((size) => [size, { push: [], plan: [] } as Sample]));
    heading(
      `queue size (rows over ${TRANSCRIPTS} transcripts already sent; ${ROUNDS} interleaved rounds, median)`,
    );
    for (let round = -1; round < ROUNDS; round++) { // round -1 warms the caches
      for (const size of all) {
        const pushed = await pushOnce(bundle, workspace, size, paths, env, []);
        const planned = await pushOnce(bundle, workspace, size, paths, env, ["--dry-run"]);
        if (round < 0) continue;
        samples.get(size)!.push.push(pushed);
        samples.get(size)!.plan.push(planned);
      }
    }
    const results = summarise(samples);
    printFigures(results);
    if (plot !== undefined) {
      await writeScalePlot(plot, results);
      note(`plot written to ${plot}`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) {
  const sizes = Deno.args.length > 0 ? Deno.args.map(Number) : [1_000, 10_000, 100_000, 1_000_000];
  await benchQueue(sizes, Deno.env.get("BENCH_PLOT"));
}
