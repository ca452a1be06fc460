/**
 * A push's start-up as the history grows: a push of one new transcript in a
 * workspace whose uploaded log and upload ledger hold 10k, 100k and 1M rows
 * (a year of heavy use is about 10k). The ledger is the index a push reads
 * (one shard of 256 per lookup). The push goes to the server of `config.yaml`,
 * so the Python tool's rows count: a third of the log's rows are its
 * (`<session_id>\t<size>\t<iso>`), a third ours for that server, a third
 * older ones; a push reads only what was appended since the last (the warm-up
 * round reads each log once, whole). Target: at 100k and 1M rows within
 * 1.2 × of the 10k figure.
 *
 * `deno run -A bench/uploaded_log.ts` (`BENCH_ROUNDS`, default 7).
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
  startReceiver,
  writeLedgerRows,
} from "./_bench.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const SIZES = [10_000, 100_000, 1_000_000];

/** Writes `rows` uploaded-log rows and as many ledger rows (spread over its shards). */
async function growHistory(workspace: Workspace, server: string, rows: number): Promise<void> {
  const paths = Array.from(
    { length: rows },
    (_, i) => `/home/ana/.claude/projects/-w/${i.toString(16).padStart(8, "0")}-old.jsonl`,
  );
  const stamp = "2026-01-01T00:00:00Z";
  const log = paths.map((path, i) => {
    const session = path.slice(path.lastIndexOf("/") + 1, -".jsonl".length);
    if (i % 3 === 0) return `${session}\t4096\t${stamp}`; // the Python tool's
    if (i % 3 === 1) return `${session}\t4096\t${stamp}\t${path}\t1767225600000`; // ours, its server
    return `${stamp}\t${path}\t4096\t1767225600000`; // ours, another server (or older)
  });
  await Deno.writeTextFile(workspace.file("uploadedLog"), log.join("\n") + "\n");
  const ledger = new UploadLedger(workspace, server);
  await writeLedgerRows(ledger, paths.map((path) => [path, 4096, 1767225600000]));
}

/** Runs the uploaded-log benchmark and prints its figures. */
export async function benchUploadedLog(): Promise<void> {
  const bundle = await buildBundle();
  const root = await Deno.makeTempDir({ prefix: "agnes-bench-log-" });
  try {
    await using receiver = await startReceiver(`${root}/data`);
    const projects = `${root}/claude/projects/-w`;
    await Deno.mkdir(projects, { recursive: true });
    const env = clientEnv(root, receiver.url);
    await Deno.mkdir(env.AGNES_CONFIG_DIR!, { recursive: true }); // the Python tool's server: this one
    await Deno.writeTextFile(`${env.AGNES_CONFIG_DIR}/config.yaml`, `server: ${receiver.url}\n`);
    const workspaces = new Map<number, Workspace>();
    for (const size of SIZES) {
      const workspace = new Workspace(`${root}/w${size}`);
      await Deno.mkdir(workspace.stateDir, { recursive: true });
      await growHistory(workspace, receiver.url, size);
      workspaces.set(size, workspace);
    }
    const times = new Map(SIZES.map((size) => [size, [] as number[]]));
    for (let round = -1; round < ROUNDS; round++) {
      for (const [size, workspace] of workspaces) {
        const transcript = `${projects}/new-${size}-${round + 1}.jsonl`;
        await Deno.writeTextFile(transcript, `{"type":"user"}\n`);
        await Deno.writeTextFile(workspace.file("queue"), `new\t${transcript}\n`);
        const args = [bundle, "push", "--quiet", "--workspace", workspace.root];
        const { ms } = await measure(args, env);
        if (round >= 0) times.get(size)!.push(ms);
      }
    }
    const base = median(times.get(SIZES[0]!)!);
    heading(`push of one new transcript as the history grows (${ROUNDS} interleaved runs, median)`);
    for (const size of SIZES.slice(1)) {
      const value = median(times.get(size)!);
      report({
        label: `${size / 1000}k rows of history vs 10k`,
        value: ms(value),
        baseline: ms(base),
        ratio: value / base,
        target: { max: 1.2 },
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) await benchUploadedLog();
