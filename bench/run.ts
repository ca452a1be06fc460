/**
 * `deno task bench`: every benchmark, each figure printed as a ratio to a
 * baseline measured in the same run (these machines are noisy: an absolute
 * time means little), then one line saying how many targets hold.
 *
 * - `startup`: the hooks against `deno run` of an empty module;
 * - `push`: push against a bare `fetch` loop, 200 small files and one large;
 * - `queue`: push and dry run at 1k to 1M queued rows (and the plot,
 *   `docs/figures/queue-scale.svg`, with `--plot`);
 * - `history`: a push's start-up with 10k to 1M rows of history;
 * - `scan`: `push --scan` of 10k transcripts against a bare walk;
 * - `receiver`: `serve` against a bare `Deno.serve` writing the same bytes;
 * - `session`: real `claude -p` sessions with our hooks against no-op hooks.
 *
 * `deno task bench [PART...] [--plot]` runs the named parts (default: all).
 *
 * @module
 */

import { figures, holds, ROOT } from "./_bench.ts";
import { benchPush } from "./push.ts";
import { benchQueue } from "./queue.ts";
import { benchReceiver } from "./receiver.ts";
import { benchScan } from "./scan.ts";
import { benchSession } from "./session.ts";
import { benchStartup } from "./startup.ts";
import { benchUploadedLog } from "./uploaded_log.ts";

const PLOT = `${ROOT}docs/figures/queue-scale.svg`;

const PARTS: Record<string, (plot: boolean) => Promise<void>> = {
  startup: () => benchStartup(),
  push: () => benchPush(),
  queue: (plot) => benchQueue([1_000, 10_000, 100_000, 1_000_000], plot ? PLOT : undefined),
  history: () => benchUploadedLog(),
  scan: () => benchScan(),
  receiver: () => benchReceiver(),
  session: () => benchSession(),
};

const plot = Deno.args.includes("--plot");
const named = Deno.args.filter((arg) => arg !== "--plot");
for (const name of named) {
  if (!(name in PARTS)) {
    throw new TypeError(`Cannot run benchmark "${name}": choose from ${Object.keys(PARTS)}`);
  }
}
console.log(`deno task bench, ${new Date().toISOString().slice(0, 10)}, ${Deno.build.target}`);
for (const [name, run] of Object.entries(PARTS)) {
  if (named.length === 0 || named.includes(name)) await run(plot);
}
const held = figures.filter(holds).length;
console.log(
  `\n${held} of ${figures.length} targets hold` +
    (held < figures.length
      ? `; missed: ${figures.filter((figure) => !holds(figure)).map((f) => f.label).join("; ")}`
      : ""),
);
