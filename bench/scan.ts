/**
 * `push --scan` with nothing new: 10k transcripts in 100 project folders, all
 * this workspace's (each records it as its `cwd`) and all already sent, and
 * no folder named after the workspace, so the scan asks every folder (the
 * worst case: a workspace that moved). Against a bare walk of the same tree
 * that lists each folder and `lstat`s each file. Targets: at most 0.5 s, and
 * at most 2 × the bare walk.
 *
 * `deno run -A bench/scan.ts` (`BENCH_ROUNDS`, default 7).
 *
 * @module
 */

import { UploadLedger } from "../lib/store/upload_ledger.ts";
import { Workspace } from "../lib/store/workspace.ts";
import {
  buildBundle,
  clientEnv,
  heading,
  measure,
  median,
  ms,
  report,
  ROOT,
  startReceiver,
  writeLedgerRows,
} from "./_bench.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const FOLDERS = 100;
const PER_FOLDER = 100;

/** The tree, every transcript recorded in the ledger as sent. */
async function makeTree(projects: string, workspace: Workspace, server: string): Promise<void> {
  const sent: [string, number, number][] = [];
  const line = `{"cwd":${JSON.stringify(workspace.root)},"type":"user"}\n`;
  for (let f = 0; f < FOLDERS; f++) {
    const folder = `${projects}/-old-place-${f}`;
    await Deno.mkdir(folder, { recursive: true });
    for (let t = 0; t < PER_FOLDER; t++) {
      const path = `${folder}/${f}-${t}-0000-4000-8000-000000000000.jsonl`;
      Deno.writeTextFileSync(path, line);
      const info = Deno.statSync(path);
      sent.push([path, info.size, info.mtime?.getTime() ?? 0]);
    }
  }
  await writeLedgerRows(new UploadLedger(workspace, server), sent);
}

/** Runs the scan benchmark and prints its figures. */
export async function benchScan(): Promise<void> {
  const bundle = await buildBundle();
  const root = await Deno.makeTempDir({ prefix: "agnes-bench-scan-" });
  try {
    await using receiver = await startReceiver(`${root}/data`);
    const projects = `${root}/claude/projects`;
    const workspace = new Workspace(`${root}/workspace`);
    await Deno.mkdir(workspace.stateDir, { recursive: true });
    await makeTree(projects, workspace, receiver.url);
    const env = clientEnv(root, receiver.url);
    const walk = [] as number[];
    const scan = [] as number[];
    for (let round = -1; round < ROUNDS; round++) {
      const walked = await measure([`${ROOT}bench/walk_tree.ts`, projects], env, { stdout: true });
      if (walked.stdout.trim() !== String(FOLDERS * PER_FOLDER)) {
        throw new Error(`Cannot benchmark the scan: the walk saw ${walked.stdout.trim()} files`);
      }
      const args = [bundle, "push", "--scan", "--json", "--workspace", workspace.root];
      const scanned = await measure(args, env, { stdout: true });
      const pushed = JSON.parse(scanned.stdout);
      if (pushed.scanned !== 0 || pushed.sessions !== 0) {
        throw new Error(`Cannot benchmark the scan: it found something new: ${scanned.stdout}`);
      }
      if (round >= 0) [walk.push(walked.ms), scan.push(scanned.ms)];
    }
    heading(
      `push --scan, ${
        FOLDERS * PER_FOLDER
      } transcripts in ${FOLDERS} folders, nothing new (${ROUNDS} interleaved runs, median)`,
    );
    const [base, value] = [median(walk), median(scan)];
    report({
      label: "push --scan vs a bare walk with lstat",
      value: ms(value),
      baseline: ms(base),
      ratio: value / base,
      target: { max: 2 },
    });
    report({
      label: "push --scan vs 0.5 s",
      value: ms(value),
      baseline: "500 ms",
      ratio: value / 500,
      target: { max: 1 },
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) await benchScan();
