/**
 * `deno task compile`: the hook binary, compiled from the bundle
 * `deno task build` writes, for every target `deno compile` supports (or
 * those named with `--target`), with the permission flags the code defines
 * once (`RUN_FLAGS`), then `dist/SHA256SUMS`.
 *
 * ```sh
 * deno task compile                                  # every target
 * deno task compile --target x86_64-unknown-linux-gnu
 * ```
 *
 * `deno compile` downloads the Deno runtime for each target, which needs the
 * network; the tests run the same bundle with the same flags through
 * `deno run` instead (`tests/cli/bundle_test.ts`).
 *
 * @module
 */

import { RUN_FLAGS } from "../lib/cli/detach.ts";
import { BUNDLES, ENTRY } from "./build.ts";

/** The entry of the bundle `deno task build` writes: what every binary is compiled from. */
export const BUNDLE = `dist/bundle/${ENTRY}`;

/** Every target `deno compile` supports, and the binary's name for each. */
export const TARGETS: Record<string, string> = {
  "x86_64-unknown-linux-gnu": "agnes-sessions-x86_64-linux",
  "aarch64-unknown-linux-gnu": "agnes-sessions-aarch64-linux",
  "x86_64-apple-darwin": "agnes-sessions-x86_64-macos",
  "aarch64-apple-darwin": "agnes-sessions-aarch64-macos",
  "x86_64-pc-windows-msvc": "agnes-sessions-x86_64-windows.exe",
};

/** The `deno compile` arguments for one target. */
export function compileArgs(target: string): string[] {
  const name = TARGETS[target];
  if (name === undefined) throw new RangeError(`Cannot compile for "${target}": not a target`);
  // The entry imports the bundles by computed URLs: each is embedded by name.
  const includes = Object.keys(BUNDLES).flatMap((file) => ["--include", `dist/bundle/${file}`]);
  return [
    "compile",
    ...RUN_FLAGS,
    ...includes,
    "--target",
    target,
    "--output",
    `dist/${name}`,
    BUNDLE,
  ];
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--target");
  const targets = at === -1 ? Object.keys(TARGETS) : [Deno.args[at + 1] ?? ""];
  const sums: string[] = [];
  for (const target of targets) {
    const args = compileArgs(target);
    console.log(`deno ${args.join(" ")}`);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args,
      stdout: "inherit",
      stderr: "inherit",
    })
      .output();
    if (code !== 0) Deno.exit(code);
    sums.push(`${await sha256(`dist/${TARGETS[target]}`)}  ${TARGETS[target]}`);
  }
  await Deno.writeTextFile("dist/SHA256SUMS", sums.join("\n") + "\n");
  console.log(`dist/SHA256SUMS: ${sums.length} binaries`);
}
