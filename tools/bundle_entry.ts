/**
 * The entry of the bundle, `main.js` in `dist/bundle/` (what `deno task
 * compile` compiles), bundled from this file by `tools/build.ts`. The status
 * line, run at every status-line render, is bundled in, so it loads one
 * small file; a plain `capture-session` imports its own bundle, and
 * everything else the whole CLI's.
 *
 * The other bundles are imported by computed URLs, which `deno run` does not
 * fetch ahead (a literal `import()` makes it read and hash the CLI's 150 KB at
 * every hook run, about 0.3 ms); `deno task compile` embeds them with
 * `--include` instead. Only meaningful bundled: from the sources, run `cli.ts`.
 *
 * @module
 */

import { main as statusLine } from "../lib/commands/status_line.ts";

/** What a bundle next to the entry exports. */
interface BundledMain {
  /** Runs with the arguments and returns the exit code. */
  main(args: string[]): Promise<number>;
}

/** Imports the bundle `file` next to this one. */
function load(file: string): Promise<BundledMain> {
  return import(new URL(file, import.meta.url).href);
}

/**
 * Runs the capture hook from its bundle. A bundle that cannot be loaded (a
 * file missing beside the entry, or not embedded) is no reason for a hook to
 * fail: it exits 0 and prints nothing, as the hook does whatever happens.
 */
async function captureSession(args: string[]): Promise<number> {
  try {
    return await (await load("./capture_session.js")).main(args);
  } catch {
    return 0;
  }
}

const [name, ...rest] = Deno.args;
const help = rest.includes("--help") || rest.includes("-h");
const code = name === "statusline" && !help
  ? await statusLine(rest)
  : name === "capture-session" && !help
  ? await captureSession(rest)
  : await (await load("./cli.js")).main(Deno.args);
Deno.exit(code);
