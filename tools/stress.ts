/**
 * `deno task stress`: the long, randomized scenarios in `tests/stress/`
 * (hundreds of processes, kill storms, 100 MiB bodies), kept out of the
 * default test run so that stays fast.
 *
 * `deno task stress` runs each scenario at full size; `STRESS_SCALE=ci`
 * runs the reduced size CI uses. Extra arguments go to `deno test` (for
 * instance `--junit-path=…`).
 *
 * @module
 */

const dir = new URL("../tests/stress/", import.meta.url);
const files: string[] = [];
for await (const entry of Deno.readDir(dir)) {
  if (entry.isFile && entry.name.endsWith("_stress.ts")) {
    files.push(new URL(entry.name, dir).pathname);
  }
}
files.sort();
const { code } = await new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", ...Deno.args, ...files],
  stdout: "inherit",
  stderr: "inherit",
}).output();
Deno.exit(code);
