import { assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { runCli } from "../_helpers.ts";

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

for (const command of COMMANDS) {
  Deno.test(`${command} --help has Usage, a description, Options and Examples, and equals help ${command}`, async () => {
    const flag = await runCli([command, "--help"]);
    assertEquals(flag.code, 0);
    assertMatch(flag.stdout, new RegExp(`^Usage: agnes-sessions ${command}`));
    assertStringIncludes(flag.stdout, "\nOptions:\n");
    const examples = flag.stdout.split("\nExamples:\n")[1] ?? "";
    assertStringIncludes(examples, `agnes-sessions ${command}`);
    const word = await runCli(["help", command]);
    assertEquals([word.code, word.stdout], [0, flag.stdout]);
  });
}

Deno.test("an unknown command or option gets a did-you-mean and exits 2", async () => {
  const command = await runCli(["stauts"]);
  assertEquals(command.code, 2);
  assertStringIncludes(command.stderr, "Unknown command 'stauts' (did you mean 'status'?)");
  const option = await runCli(["push", "--dry-rn"]);
  assertEquals(option.code, 2);
  assertStringIncludes(option.stderr, "Unknown option --dry-rn (did you mean --dry-run?)");
  const nothing = await runCli(["help", "deploy"]);
  assertEquals(nothing.code, 2);
  assertStringIncludes(nothing.stderr, "Unknown command 'deploy'. See 'agnes-sessions --help'.");
});
