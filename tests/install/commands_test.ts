import { assert, assertEquals } from "../_assert.ts";
import {
  ourSubcommand,
  portableCommand,
  pythonSubcommand,
  recognisedPrefixes,
} from "../../lib/install/commands.ts";
import { RUN_FLAGS } from "../../lib/cli/detach.ts";
import { ourHookSpecs } from "../../lib/install/_hooks.ts";

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

Deno.test("ourHookSpecs() commands are plain words after the prefix (no shell syntax)", () => {
  for (const { command } of ourHookSpecs("agnes-sessions")) {
    assert(/^[a-z -]+$/.test(command), command);
  }
});

Deno.test("portableCommand() accepts the compiled binary's own flags, quoting the one with a comma", () => {
  const given = `deno run ${RUN_FLAGS.join(" ")} dist/bundle/main.js`;
  const quoted = RUN_FLAGS.map((flag) => flag.includes(",") ? `"${flag}"` : flag);
  const canonical = `deno run ${quoted.join(" ")} dist/bundle/main.js`;
  assertEquals(portableCommand(given), { ok: true, command: canonical });
  assertEquals(portableCommand(canonical), { ok: true, command: canonical });
  assertEquals(portableCommand("agnes-sessions a,b"), {
    ok: true,
    command: 'agnes-sessions "a,b"',
  });
  assertEquals(portableCommand("agnes,sessions run").ok, false);
  assertEquals(portableCommand('deno run "a,b;c"').ok, false);
});

Deno.test("pythonSubcommand() recognises the newer Python CLI's detached update and push hooks", () => {
  assertEquals(
    pythonSubcommand(
      'bash -c "( nohup agnes update --quiet </dev/null >/dev/null 2>&1 & ) ; true"',
    ),
    "update",
  );
  assertEquals(pythonSubcommand("agnes update --quiet"), "update");
  assertEquals(pythonSubcommand("agnes-update --quiet"), undefined);
});

Deno.test("recognisedPrefixes() puts the given prefixes first, then the known ones, without repeats", () => {
  assertEquals(recognisedPrefixes(["/opt/agnes-sessions", "agnes-sessions"]), [
    "/opt/agnes-sessions",
    "agnes-sessions",
    "deno run -A jsr:@agnes/sessions",
  ]);
});
