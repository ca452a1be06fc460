/**
 * `deno task build`: the bundle every binary is compiled from, in
 * `dist/bundle/` (or `--outdir DIR`), each file minified, with names kept
 * but in the entry:
 *
 * - `main.js`, the entry (`tools/bundle_entry.ts`), with the status line in
 *   it: run at every status-line render, it loads this one small file (and
 *   sets no names: esbuild's `--keep-names` costs it ~0.1 ms of calls, and a
 *   hook prints no stack traces);
 * - `capture_session.js`, the capture hook on its own, which the entry
 *   imports for a plain capture, so a session start loads a few KiB instead
 *   of the whole CLI;
 * - `cli.js`, the whole CLI (`cli.ts`), for everything else.
 *
 * `deno bundle` fetches esbuild from the npm registry on first use.
 *
 * @module
 */

/** The entry of the bundle, what `deno task compile` compiles. */
export const ENTRY = "main.js";

/** The source the entry is bundled from. */
export const ENTRY_SOURCE = "tools/bundle_entry.ts";

/**
 * The bundles the entry imports by computed URLs (which `deno run` does not
 * fetch ahead; `deno task compile` embeds them with `--include`), and their
 * sources.
 */
export const BUNDLES: Record<string, string> = {
  "cli.js": "cli.ts",
  "capture_session.js": "lib/commands/capture_session.ts",
};

/**
 * The `deno bundle` arguments that write `source` to `output`, minified,
 * with function and class names kept (for stack traces) when `keepNames`.
 */
export function bundleArgs(source: string, output: string, keepNames: boolean): string[] {
  const names = keepNames ? ["--keep-names"] : [];
  return ["bundle", "--quiet", "--minify", ...names, "--output", output, source];
}

/** Builds the bundle into `outdir` and returns the entry's path. */
export async function build(outdir: string): Promise<string> {
  await Deno.remove(outdir, { recursive: true }).catch(() => {});
  await Deno.mkdir(outdir, { recursive: true });
  const root = new URL("..", import.meta.url).pathname;
  for (const [output, source] of Object.entries({ [ENTRY]: ENTRY_SOURCE, ...BUNDLES })) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: bundleArgs(source, `${outdir}/${output}`, output !== ENTRY),
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`Cannot bundle ${source}: ${new TextDecoder().decode(stderr).trim()}`);
    }
  }
  return `${outdir}/${ENTRY}`;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--outdir");
  const outdir = at === -1 ? "dist/bundle" : Deno.args[at + 1];
  if (outdir === undefined) throw new TypeError("Cannot build: --outdir needs a folder");
  console.log(await build(outdir));
}
