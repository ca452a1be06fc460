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
 * `BENCH_DIR`, where the data goes, default the system temp folder;
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

import { heading, report, ROOT } from "./_bench.ts";

const RECEIVER_CLI = Deno.env.get("BENCH_RECEIVER_CLI") ?? `${ROOT}cli.ts`;
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const UPLOADS = Number(Deno.env.get("BENCH_UPLOADS") ?? 1600);
const CONCURRENCY = 16;
const TOKEN = "bench-token";
const BOUNDARY = "agnes-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"; // as long as the client's
const CONTENT = `{"type":"assistant","message":"${"z".repeat(1000)}"}\n`.repeat(64); // ~64 KiB

type Names = "reused" | "distinct";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Starts `deno run -A <args>` and waits for its `Listening on URL` line. */
async function startServer(args: string[]): Promise<[string, Deno.ChildProcess]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...args],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const url = /Listening on (\S+)/.exec(value ?? "")?.[1];
  if (url === undefined) throw new Error(`Cannot start ${args.join(" ")}`);
  return [url, child];
}

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

/** Measures one case and prints its figure, baseline, ratio and target. */
async function measure(names: Names): Promise<void> {
  const tempDir = Deno.env.get("BENCH_DIR");
  const root = await Deno.makeTempDir({
    prefix: "agnes-bench-receiver-",
    ...(tempDir === undefined ? {} : { dir: tempDir }),
  });
  const servers = {
    baseline: await startServer([`${ROOT}bench/bare_serve.ts`, `${root}/bare`, names]),
    receiver: await startServer([
      RECEIVER_CLI,
      "serve",
      "--port",
      "0",
      "--data",
      `${root}/receiver`,
      "--token",
      `${TOKEN}=bench`,
    ]),
  };
  try {
    const rates = { baseline: [] as number[], receiver: [] as number[] };
    for (let run = -1; run < ROUNDS; run++) { // run -1 warms both up
      for (const name of ["baseline", "receiver"] as const) {
        const rate = await round(servers[name][0], names, run);
        if (run >= 0) rates[name].push(rate);
      }
    }
    const base = median(rates.baseline);
    const figure = median(rates.receiver);
    heading(
      `receiver throughput, ${names} names (${CONCURRENCY} concurrent clients, 64 KiB ` +
        `transcripts, ${UPLOADS} uploads per round, ${ROUNDS} interleaved rounds, median)`,
    );
    report({
      label: `serve vs a bare Deno.serve writing the body`,
      value: `${figure.toFixed(0)}/s`,
      baseline: `${base.toFixed(0)}/s`,
      ratio: figure / base,
      target: { min: 0.8 },
    });
  } finally {
    for (const [, child] of Object.values(servers)) {
      child.kill("SIGTERM");
      await child.status;
    }
    await Deno.remove(root, { recursive: true });
  }
}

/** Runs the receiver benchmark for both kinds of names (or one) and prints its figures. */
export async function benchReceiver(only?: Names): Promise<void> {
  for (const names of ["reused", "distinct"] as const) {
    if (only === undefined || only === names) await measure(names);
  }
}

if (import.meta.main) {
  const only = Deno.args[0];
  if (only !== undefined && only !== "reused" && only !== "distinct") {
    throw new TypeError(`Cannot benchmark "${only}": give reused or distinct`);
  }
  await benchReceiver(only);
}
