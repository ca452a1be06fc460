import { assert, assertEquals } from "../_assert.ts";
import {
  ourCommands,
  ourSubcommand,
  portableCommand,
  pythonSubcommand,
} from "../../lib/install/commands.ts";

Deno.test("portableCommand() accepts a program and arguments, quoted arguments included", () => {
  for (
    const [given, canonical] of [
      ["agnes-sessions", "agnes-sessions"],
      ["deno run -A jsr:@agnes/sessions", "deno run -A jsr:@agnes/sessions"],
      ["  /opt/bin/deno   run -A  /srv/cli.ts ", "/opt/bin/deno run -A /srv/cli.ts"],
      ['deno run -A "/Users/me/My Tools/cli.ts"', 'deno run -A "/Users/me/My Tools/cli.ts"'],
      ["C:/Users/me/agnes-sessions.exe", "C:/Users/me/agnes-sessions.exe"],
    ]
  ) {
    assertEquals(portableCommand(given!), { ok: true, command: canonical });
  }
});

Deno.test("portableCommand() refuses what sh, Git Bash and PowerShell read differently", () => {
  for (
    const given of [
      "",
      'bash -c "agnes-sessions capture-session || true"',
      "( nohup agnes-sessions push & ) ; true",
      "agnes-sessions 2>/dev/null",
      "agnes-sessions | tee",
      "$HOME/bin/agnes-sessions",
      "C:\\Users\\me\\agnes-sessions.exe",
      '"/My Tools/agnes-sessions"',
      "FOO=1 agnes-sessions",
      "~/bin/agnes-sessions",
      "agnes-sessions\tpush",
      "agnes-sessions `x`",
      "agnes-sessions @args",
      "agnes-sessions a,b",
      "agnes-sessions # comment",
    ]
  ) {
    assertEquals(portableCommand(given).ok, false, given);
  }
});

Deno.test("ourSubcommand() names our subcommand after an exact prefix only", () => {
  const prefixes = ["agnes-sessions", "deno run -A /srv/cli.ts"];
  assertEquals(ourSubcommand("agnes-sessions statusline", prefixes), "statusline");
  assertEquals(
    ourSubcommand("deno run -A /srv/cli.ts capture-session --push", prefixes),
    "capture-session",
  );
  assertEquals(ourSubcommand("deno run -A /srv/cli2.ts capture-session", prefixes), undefined);
  assertEquals(ourSubcommand("agnes-sessions", prefixes), undefined);
  assertEquals(ourSubcommand("xagnes-sessions statusline", prefixes), undefined);
});

Deno.test("pythonSubcommand() recognises the Python tool's hook, status-line and slash commands", () => {
  assertEquals(
    pythonSubcommand('bash -c "agnes capture-session 2>/dev/null || true"'),
    "capture-session",
  );
  assertEquals(
    pythonSubcommand('bash -c "( nohup agnes push --quiet </dev/null >/dev/null 2>&1 & ) ; true"'),
    "push",
  );
  assertEquals(pythonSubcommand("agnes statusline"), "statusline");
  assertEquals(pythonSubcommand("!`agnes mark-private`"), "mark-private");
  assertEquals(pythonSubcommand("agnes-sessions capture-session"), undefined);
  assertEquals(pythonSubcommand("deno run -A jsr:@agnes/sessions push"), undefined);
});

Deno.test("ourCommands() strings are plain words after the prefix (no shell syntax)", () => {
  const commands = ourCommands("agnes-sessions");
  for (const command of [commands.sessionStart, commands.sessionEnd, commands.statusLine]) {
    assert(/^[a-z -]+$/.test(command), command);
  }
});
