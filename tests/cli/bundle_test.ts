/**
 * The bundle `deno task build` writes is what `deno task compile` compiles,
 * so it is run here with the binary's flags: the hooks, the slash command
 * and a push to a real receiver, through the one file.
 */

import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { readRows, type RunOptions, type RunResult, runScript } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";
import { addPrivateSession } from "../../lib/store/mark_private.ts";
import { RUN_FLAGS } from "../../lib/cli/detach.ts";
import { VERSION } from "../../lib/version.ts";
import { BUNDLE, compileArgs, TARGETS } from "../../tools/compile.ts";
import { BUNDLES, ENTRY } from "../../tools/build.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Builds the bundle as the build task does, into `outdir` instead of `dist/bundle/`; returns the entry. */
async function build(outdir: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}tools/build.ts`, "--outdir", outdir],
    cwd: ROOT,
  }).output();
  assertEquals(code, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

function runBundle(bundle: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runScript(bundle, args, { ...options, flags: RUN_FLAGS });
}

Deno.test("the built bundle captures, marks private, shows the status line and pushes", async () => {
  await using harness = await setup();
  const { workspace, env } = harness;
  const bundle = await build(`${harness.claudeDir}/bundle`);
  const ws = ["--workspace", workspace.root];

  assertEquals((await runBundle(bundle, ["--version"])).stdout.trim(), `agnes-sessions ${VERSION}`);

  await workspace.ensureStateDir();
  const kept = await harness.transcript("kept");
  const hidden = await harness.transcript("hidden");
  for (const [id, path] of [["kept", kept], ["hidden", hidden]]) {
    const payload = JSON.stringify({ session_id: id, transcript_path: path });
    const result = await runBundle(bundle, ["capture-session", ...ws], { stdin: payload });
    assertEquals([result.code, result.stdout], [0, ""]);
  }
  assertEquals(await readRows(workspace.file("queue")), [["kept", kept], ["hidden", hidden]]);
  assertEquals((await readRows(workspace.file("captureLog"))).map((row) => row[1]), ["ok", "ok"]);

  assertEquals((await runBundle(bundle, ["mark-private", "hidden", ...ws])).code, 0);
  const status = await runBundle(bundle, ["statusline", ...ws], {
    stdin: JSON.stringify({ session_id: "hidden" }),
  });
  assertEquals(status.stdout, "🔒 agnes-private\n");

  const pushed = await runBundle(bundle, ["push", "--json", ...ws], { env });
  assertEquals(pushed.code, 0, pushed.stderr);
  const report = JSON.parse(pushed.stdout);
  assertEquals([report.sessions, report.private_skipped], [1, 1]);
  assertEquals([...(await harness.receiver.stored()).keys()], ["kept.jsonl"]);
  assertStringIncludes(await Deno.readTextFile(workspace.file("privateSkippedLog")), "hidden");
});

Deno.test("a hook run from the bundle loads only what it runs: capture-session without cli.js, statusline from the entry alone", async () => {
  await using harness = await setup();
  const { workspace } = harness;
  const bundle = await build(`${harness.claudeDir}/bundle`);
  await Deno.remove(bundle.replace(ENTRY, "cli.js"));
  const ws = ["--workspace", workspace.root];
  const path = await harness.transcript("s1");
  const payload = JSON.stringify({ session_id: "s1", transcript_path: path });
  const captured = await runBundle(bundle, ["capture-session", ...ws], { stdin: payload });
  assertEquals([captured.code, captured.stdout, captured.stderr], [0, "", ""]);
  assertEquals(await readRows(workspace.file("queue")), [["s1", path]]);
  await Deno.remove(bundle.replace(ENTRY, "capture_session.js")); // the status line is in the entry
  await addPrivateSession(workspace, "s1");
  const status = await runBundle(bundle, ["statusline", ...ws], { stdin: payload });
  assertEquals([status.code, status.stdout, status.stderr], [0, "🔒 agnes-private\n", ""]);
  // A hook whose bundle is missing still never breaks Claude Code: exit 0, nothing printed.
  const lost = await runBundle(bundle, ["capture-session", ...ws], { stdin: payload });
  assertEquals([lost.code, lost.stdout, lost.stderr], [0, "", ""]);
  const other = await runBundle(bundle, ["--version"]);
  assertEquals(other.code === 0, false); // everything else needs the CLI's bundle
});

Deno.test("the compile task compiles the bundle the build task writes, with the flags the bundle is tested with and the detached push uses", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  assertStringIncludes(config.tasks.build.command, "tools/build.ts");
  assertEquals(BUNDLE, `dist/bundle/${ENTRY}`);
  assertEquals(config.tasks.compile.dependencies, ["build"]);
  assertStringIncludes(config.tasks.compile.command, "tools/compile.ts");
  for (const target of Object.keys(TARGETS)) {
    const args = compileArgs(target);
    assertEquals(args.slice(1, 1 + RUN_FLAGS.length), [...RUN_FLAGS]); // what runBundle runs with
    assertEquals(args.at(-1), BUNDLE);
    for (const file of Object.keys(BUNDLES)) { // imported by computed URLs: embedded by name
      assertEquals(args[args.indexOf(`dist/bundle/${file}`) - 1], "--include");
    }
  }
  assertEquals(Object.keys(TARGETS).length, 5);
});
