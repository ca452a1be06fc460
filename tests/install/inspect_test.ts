import { assertEquals } from "../_assert.ts";
import { type InstallEnv, installEnv, snapshotFiles } from "./_env.ts";
import { inspectInstallation } from "../../lib/install/inspect.ts";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const hook = (command: string) => ({ hooks: [{ type: "command", command }] });

/** Runs inspectInstallation() with the harness's Claude config folder as the user level. */
function inspect(h: InstallEnv) {
  const saved = Deno.env.get("CLAUDE_CONFIG_DIR");
  Deno.env.set("CLAUDE_CONFIG_DIR", h.claudeDir);
  try {
    return inspectInstallation(h.workspace);
  } finally {
    if (saved === undefined) Deno.env.delete("CLAUDE_CONFIG_DIR");
    else Deno.env.set("CLAUDE_CONFIG_DIR", saved);
  }
}

Deno.test("inspectInstallation() reports our hooks per event, status line and slash command with their level", async () => {
  await using h = await installEnv();
  assertEquals((await h.install(["--command", "/opt/bin/agnes-sessions"])).code, 0);
  const local = `${h.workspace.root}/.claude/settings.local.json`;
  const found = inspect(h);
  assertEquals(found.hooks, {
    SessionStart: [{
      level: "local",
      path: local,
      command: "/opt/bin/agnes-sessions capture-session",
      mixed: false,
    }],
    SessionEnd: [{
      level: "local",
      path: local,
      command: "/opt/bin/agnes-sessions capture-session --push",
      mixed: false,
    }],
  });
  assertEquals(found.statusLine, {
    level: "local",
    path: local,
    owner: "ours",
    command: "/opt/bin/agnes-sessions statusline",
  });
  assertEquals(found.slashCommand, {
    path: `${h.workspace.root}/.claude/commands/agnes-private.md`,
    owner: "ours",
  });
  assertEquals(found.recorded, [{ level: "local", command: "/opt/bin/agnes-sessions" }]);
  assertEquals(found.python, {
    hooks: { SessionStart: [], SessionEnd: [] },
    generation: null,
    statusLine: false,
    slashCommand: false,
  });
  assertEquals(found.problems, []);
});

Deno.test("inspectInstallation() reports the Python tool's parts and the status line Claude Code shows", async () => {
  await using h = await installEnv();
  await h.write(
    ".claude/settings.json",
    json({
      hooks: { SessionStart: [hook('bash -c "agnes capture-session 2>/dev/null || true"')] },
      statusLine: { type: "command", command: "agnes statusline" },
    }),
  );
  await Deno.writeTextFile(
    `${h.claudeDir}/settings.json`,
    json({ statusLine: { type: "command", command: "mine" } }),
  );
  await h.write(
    ".claude/commands/agnes-private.md",
    "---\ndescription: x\n---\n\n!`agnes mark-private`\n",
  );
  const found = inspect(h);
  assertEquals(found.hooks, { SessionStart: [], SessionEnd: [] });
  assertEquals(found.python.hooks.SessionStart.map((entry) => entry.level), ["project"]);
  assertEquals([found.python.statusLine, found.python.slashCommand], [true, true]);
  assertEquals(found.statusLine?.owner, "python"); // project wins over user
  assertEquals(found.slashCommand?.owner, "python");
});

Deno.test("inspectInstallation() lists a settings file it cannot parse, and writes nothing", async () => {
  await using h = await installEnv();
  await h.write(".claude/settings.local.json", "{oops");
  const before = await snapshotFiles(h.workspace.root);
  const found = inspect(h);
  assertEquals(found.problems.map((problem) => problem.level), ["local"]);
  assertEquals(await snapshotFiles(h.workspace.root), before);
});

/** The hooks the newer Python CLI's installer writes: a detached update and a detached push. */
const NEWER_PYTHON_HOOKS = {
  SessionStart: [
    hook('bash -c "( nohup agnes update --quiet </dev/null >/dev/null 2>&1 & ) ; true"'),
  ],
  SessionEnd: [hook('bash -c "( nohup agnes push --quiet </dev/null >/dev/null 2>&1 & ) ; true"')],
};

Deno.test("inspectInstallation() counts the newer Python CLI's update and push hooks as its hooks, of the scan generation", async () => {
  await using h = await installEnv();
  await h.write(".claude/settings.json", json({ hooks: NEWER_PYTHON_HOOKS }));
  const found = inspect(h);
  assertEquals(found.python.hooks.SessionStart.map((entry) => entry.command), [
    NEWER_PYTHON_HOOKS.SessionStart[0]!.hooks[0]!.command,
  ]);
  assertEquals(found.python.hooks.SessionEnd.length, 1);
  assertEquals(found.python.generation, "scan");
});

Deno.test("inspectInstallation() names the older Python CLI, whose hooks run agnes capture-session, the queue generation", async () => {
  await using h = await installEnv();
  const capture = 'bash -c "agnes capture-session 2>/dev/null || true"';
  await h.write(
    ".claude/settings.json",
    json({ hooks: { SessionStart: [hook(capture)], SessionEnd: NEWER_PYTHON_HOOKS.SessionEnd } }),
  );
  assertEquals(inspect(h).python.generation, "queue");
  await h.write(".claude/settings.json", json({ hooks: { SessionEnd: [hook("agnes update")] } }));
  assertEquals(inspect(h).python.generation, null); // update runs at SessionStart only
});
