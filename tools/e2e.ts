/**
 * `deno task e2e`: the end-to-end scenarios in `tests/e2e/` (`*_e2e.ts`) on
 * the real Claude Code, pinned and installed into `.tools/` on first use
 * (`tools/claude_code.ts`). Extra arguments go to `deno test` (for instance
 * `--filter resume` or `--junit-path=…`).
 *
 * When Claude Code cannot be installed, it says why in one line and exits 1:
 * the scenarios never skip.
 *
 * @module
 */

import { ensureClaudeCode } from "./claude_code.ts";

if (import.meta.main) {
  const started = performance.now();
  try {
    await ensureClaudeCode();
  } catch (error) {
    console.error(`e2e: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
  const dir = new URL("../tests/e2e/", import.meta.url);
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith("_e2e.ts")) {
      files.push(new URL(entry.name, dir).pathname);
    }
  }
  files.sort();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...Deno.args, ...files],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  console.log(`e2e: ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
  Deno.exit(code);
}
