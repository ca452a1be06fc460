import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { runCli, tempWorkspace } from "../_helpers.ts";
import { VERSION } from "../../mod.ts";
import { main } from "../../cli.ts";

const COMMANDS = [
  "capture-session",
  "mark-private",
  "unmark-private",
  "statusline",
  "push",
  "install",
  "status",
  "login",
  "serve",
];

Deno.test("--version prints the version of deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assertEquals(VERSION, config.version);
  const result = await runCli(["--version"]);
  assertEquals([result.code, result.stdout], [0, `agnes-sessions ${VERSION}\n`]);
});

Deno.test("--help lists every command", async () => {
  const result = await runCli(["--help"]);
  assertEquals(result.code, 0);
  for (const command of COMMANDS) assertStringIncludes(result.stdout, command);
});

for (const command of COMMANDS) {
  Deno.test(`${command} --help prints its usage and exits 0`, async () => {
    const result = await runCli([command, "--help"]);
    assertEquals(result.code, 0);
    assertStringIncludes(result.stdout, `Usage: agnes-sessions ${command}`);
  });
}

Deno.test("usage errors exit 2 with one line pointing at --help", async () => {
  for (
    const args of [
      [],
      ["nope"],
      ["mark-private", "--nope"],
      ["mark-private", "a", "b"],
      ["push", "--concurrency", "0"],
      ["push", "stray"],
      ["login"],
      ["serve", "--token", "no-user"],
    ]
  ) {
    const result = await runCli(args);
    assertEquals(result.code, 2, args.join(" "));
    assertEquals(result.stderr.trim().split("\n").length, 1);
    assertStringIncludes(result.stderr, "--help");
  }
});

Deno.test("hook commands never exit non-zero, even on bad options", async () => {
  await using workspace = await tempWorkspace(); // the fallback workspace is the current folder
  for (const command of ["capture-session", "statusline"]) {
    const result = await runCli([command, "--workspace"], { stdin: "", cwd: workspace.root });
    assertEquals([result.code, result.stdout], [0, ""]);
  }
});

Deno.test("main() returns exit codes without exiting", async () => {
  assertEquals(await main(["--version"]), 0);
  assertEquals(await main(["no-such-command"]), 2);
});

Deno.test("mod.ts runs the CLI when it is the main module", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL("../../mod.ts", import.meta.url).pathname, "--version"],
    stdout: "piped",
    stderr: "null",
  }).output();
  assertEquals(new TextDecoder().decode(output.stdout), `agnes-sessions ${VERSION}\n`);
});

/** The commands of the README's first code block, as a newcomer runs them. */
async function readmeCommands(): Promise<string[]> {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  return block.trim().split("\n").map((line) => line.replace(/\s+#.*$/, ""));
}

Deno.test("the README starts a newcomer with two npx commands: the demo and the gate (which CI runs)", async () => {
  assertEquals(await readmeCommands(), [
    "npx -y deno@2.9.6 task demo",
    "npx -y deno@2.9.6 task ci",
  ]);
  assertStringIncludes(
    await Deno.readTextFile(new URL("../../.ci/run", import.meta.url)),
    "exec deno task ci",
  );
});

Deno.test("deno task demo, as the README runs it, captures, marks private and pushes against the loopback receiver", async () => {
  const [demo] = await readmeCommands();
  const output = await new Deno.Command(Deno.execPath(), {
    args: demo!.split(" ").slice(3), // the task, run by the Deno running these tests (npx fetched the same)
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  assertStringIncludes(text, "Uploaded 1 session");
  assertStringIncludes(text, "Skipped 1 private session");
  assertStringIncludes(text, '"auth":"[REDACTED-JWT]"');
  assertStringIncludes(text, "Cleaned up");
});
