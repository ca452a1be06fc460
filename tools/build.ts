/**
 * `deno task build`: the bundle every binary is compiled from, in
 * `dist/bundle/` (or `--outdir DIR`), each file minified with names kept:
 *
 * - `cli.js`, the whole CLI (`cli.ts`);
 * - `capture_session.js` and `statusline.js`, each hook on its own, so a
 *   hook, run at every session start and status-line render, loads and
 *   compiles a few KiB instead of the whole CLI;
 * - `main.js`, the entry: it imports the hook's own bundle for a plain hook
 *   run, else `cli.js`.
 *
 * `deno bundle` fetches esbuild from the npm registry on first use.
 *
 * @module
 */

/** The entry of the bundle, what `deno task compile` compiles. */
export const ENTRY = "main.js";

/** What is bundled, into which file. */
export const BUNDLES: Record<string, string> = {
  "cli.js": "cli.ts",
  "capture_session.js": "lib/commands/capture_session.ts",
  "statusline.js": "lib/commands/status_line.ts",
};

/**
 * The entry's code. The bundles are imported by computed URLs, which `deno run`
 * does not fetch ahead (a literal `import()` makes it read and hash the
 * CLI's 150 KB at every hook run, about 0.3 ms); `deno task compile` embeds
 * them with `--include` instead.
 */
export const ENTRY_CODE = `// Written by tools/build.ts: a plain hook run loads only its own bundle.
const [name, ...rest] = Deno.args;
const help = rest.includes("--help") || rest.includes("-h");
const load = (file) => import(new URL(file, import.meta.url).href);
const code = name === "capture-session" && !help
  ? await (await load("./capture_session.js")).main(rest)
  : name === "statusline" && !help
  ? await (await load("./statusline.js")).main(rest)
  : await (await load("./cli.js")).main(Deno.args);
Deno.exit(code);
`;

/** The `deno bundle` arguments that write `source` to `output`. */
export function bundleArgs(source: string, output: string): string[] {
  return ["bundle", "--quiet", "--minify", "--keep-names", "--output", output, source];
}

/** Builds the bundle into `outdir` and returns the entry's path. */
export async function build(outdir: string): Promise<string> {
  await Deno.remove(outdir, { recursive: true }).catch(() => {});
  await Deno.mkdir(outdir, { recursive: true });
  const root = new URL("..", import.meta.url).pathname;
  for (const [output, source] of Object.entries(BUNDLES)) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: bundleArgs(source, `${outdir}/${output}`),
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`Cannot bundle ${source}: ${new TextDecoder().decode(stderr).trim()}`);
    }
  }
  await Deno.writeTextFile(`${outdir}/${ENTRY}`, ENTRY_CODE);
  return `${outdir}/${ENTRY}`;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--outdir");
  const outdir = at === -1 ? "dist/bundle" : Deno.args[at + 1];
  if (outdir === undefined) throw new TypeError("Cannot build: --outdir needs a folder");
  console.log(await build(outdir));
}
