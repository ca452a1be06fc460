/**
 * The receiver's throughput, as a ratio to a bare `Deno.serve` handler that
 * writes the same bytes to disk: 16 concurrent clients upload 64 KiB
 * transcripts (a sized multipart body each, keep-alive connections) to a
 * `serve` process and to `bench/bare_serve.ts`, in interleaved rounds, and
 * the median uploads per second of each are compared (target: at least 0.8).
 *
 * Two cases: `reused` uploads 200 transcript names over and over (each
 * upload replaces a stored file, as re-pushing grown transcripts does; the
 * baseline overwrites in place, the receiver renames a temp file over it),
 * and `distinct` gives every upload a new name (both create a file).
 *
 * `deno run -A bench/receiver.ts [reused|distinct]` (default: both;
 * `BENCH_ROUNDS`, default 7; `BENCH_UPLOADS` per round, default 1600;
 * `BENCH_DIR`, where the data goes, default the system temp folder and
 * then, when there is one, a tmpfs (`/dev/shm`);
 * `BENCH_RECEIVER_CLI`, the `cli.ts` to run, default this tree's, to
 * compare with another version).
 *
 * Both servers run as processes with the same flags (the receiver's log
 * lines go to /dev/null); the clients share this process, so both subjects
 * pay the same client cost.
 *
 * On ext4 without a journal, `reused` measures the filesystem rather than
 * the receiver: each rename over a stored file frees an inode, and each new
 * temp file's inode allocation steps one by one over the inodes freed in
 * the last 30 s (`recently_deleted()` in the kernel's `fs/ext4/ialloc.c`,
 * checked only when there is no journal), so temp file and rename alone,
 * without HTTP, run at about a tenth of the rate of overwriting in place.
 * Point `BENCH_DIR` at a tmpfs or a journaled filesystem to measure the
 * receiver itself.
 *
 * @module
 */

import { heading, median, report, ROOT, startServer, TOKEN } from "./_bench.ts";

const RECEIVER_CLI = Deno.env.get("BENCH_RECEIVER_CLI") ?? `${ROOT}cli.ts`;
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const UPLOADS = Number(Deno.env.get("BENCH_UPLOADS") ?? 1600);
const CONCURRENCY = 16;
const BOUNDARY = "agnes-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"; // as long as the client's
const CONTENT = `{"type":"assistant","message":"${"z".repeat(1000)}"}\n`.repeat(64); // ~64 KiB

type Names = "reused" | "distinct";

/** The multipart body of one upload. */
function body(name: string): Blob {
  return new Blob([
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`,
    CONTENT,
    `\r\n--${BOUNDARY}--\r\n`,
  ]);
}

/** Uploads `UPLOADS` transcripts with `CONCURRENCY` workers; returns uploads per second. */
async function round(url: string, names: Names, round: number): Promise<number> {
  using client = Deno.createHttpClient({});
  const reused = Array.from({ length: 200 }, (_, i) => body(`bench-${i}.jsonl`));
  let next = 0;
  const worker = async () => {
    while (next < UPLOADS) {
      const i = next++;
      const response = await fetch(`${url}/api/upload/sessions`, {
        method: "POST",
        body: names === "reused" ? reused[i % 200] : body(`bench-${round}-${i}.jsonl`),
        client,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`,
        },
      } as RequestInit);
      await response.body?.cancel();
      if (response.status !== 200) throw new Error(`Cannot upload: HTTP ${response.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return UPLOADS / ((performance.now() - started) / 1000);
}

/** Measures one case with the data in `dir` (`where` names it) and prints its figure. */
async function measure(names: Names, dir: string | undefined, where: string): Promise<void> {
  const root = await Deno.makeTempDir({
    prefix: "agnes-bench-receiver-",
    ...(dir === undefined ? {} : { dir }),
  });
  try {
    await using baseline = await startServer([
      "-A",
      `${ROOT}bench/bare_serve.ts`,
      `${root}/bare`,
      names,
    ]);
    await using receiver = await startServer([
      "-A",
      RECEIVER_CLI,
      "serve",
      "--port",
      "0",
      "--data",
      `${root}/receiver`,
      "--token",
      `${TOKEN}=bench`,
    ]);
    const rates = { baseline: [] as number[], receiver: [] as number[] };
    for (let run = -1; run < ROUNDS; run++) { // run -1 warms both up
      rates.baseline.push(await round(baseline.url, names, run));
      rates.receiver.push(await round(receiver.url, names, run));
    }
    const [base, figure] = [median(rates.baseline.slice(1)), median(rates.receiver.slice(1))];
    heading(
      `receiver throughput, ${names} names, data on ${where} (${CONCURRENCY} concurrent clients, ` +
        `64 KiB transcripts, ${UPLOADS} uploads per round, ${ROUNDS} interleaved rounds, median)`,
    );
    report({
      label: `serve vs bare Deno.serve, ${names}, ${where.split(" ").at(-1)}`,
      value: `${figure.toFixed(0)}/s`,
      baseline: `${base.toFixed(0)}/s`,
      ratio: figure / base,
      target: { min: 0.8 },
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Where the data goes: `BENCH_DIR`, else the system temp folder and, when there is one, a tmpfs. */
function dataDirs(): [string | undefined, string][] {
  const chosen = Deno.env.get("BENCH_DIR");
  if (chosen !== undefined) return [[chosen, chosen]];
  const dirs: [string | undefined, string][] = [[undefined, "the system temp folder (tmp)"]];
  try {
    if (Deno.statSync("/dev/shm").isDirectory) dirs.push(["/dev/shm", "a tmpfs (/dev/shm)"]);
  } catch {
    // No tmpfs to compare with.
  }
  return dirs;
}

/** Runs the receiver benchmark for both kinds of names (or one) and prints its figures. */
export async function benchReceiver(only?: Names): Promise<void> {
  for (const [dir, where] of dataDirs()) {
    for (const names of ["reused", "distinct"] as const) {
      if (only === undefined || only === names) await measure(names, dir, where);
    }
  }
}

if (import.meta.main) {
  const only = Deno.args[0];
  if (only !== undefined && only !== "reused" && only !== "distinct") {
    throw new TypeError(`Cannot benchmark "${only}": give reused or distinct`);
  }
  await benchReceiver(only);
}
