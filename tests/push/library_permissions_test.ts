import { assert, assertEquals } from "../_assert.ts";
import { TEST_TOKEN } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

/** A library user's program: one push of the workspace, its report printed as JSON. */
const PROGRAM = `import { AgnesClient, push, Workspace } from "${MOD}";
const [root, server, projects, token] = Deno.args;
using client = new AgnesClient({ server, token });
const report = await push({ workspace: new Workspace(root), client, allowedRoots: [projects] });
console.log("REPORT " + JSON.stringify(report));
`;

Deno.test("push() as a library, granted read, write, net and sys=hostname but no env, asks nothing on a terminal and uploads", async () => {
  await using s = await setup();
  await s.queue(["s1", await s.transcript("s1")]);
  const program = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(program, PROGRAM);
    const command = [
      Deno.execPath(),
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1",
      "--allow-sys=hostname",
      program,
      s.workspace.root,
      s.receiver.url,
      s.projects,
      TEST_TOKEN,
    ].map((word) => `'${word}'`).join(" ");
    // util-linux `script` gives the program a terminal, where Deno would prompt for a permission;
    // stdin closed at once answers any prompt with "no", so the test ends either way.
    const { code, stdout } = await new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const screen = new TextDecoder().decode(stdout);
    assertEquals(code, 0, screen);
    assert(!screen.includes("Deno requests"), `a permission prompt showed:\n${screen}`);
    const report = JSON.parse(screen.slice(screen.indexOf("REPORT ") + 7));
    assertEquals([report.sessions, report.errors], [1, []]);
    assertEquals(s.seen.map(([name]) => name), ["s1.jsonl"]);
  } finally {
    await Deno.remove(program);
  }
});
