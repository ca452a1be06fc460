import { assertEquals } from "../_assert.ts";
import {
  editOurHooks,
  eventCommands,
  findOurHooks,
  hooksShapeProblem,
  ourHookSpecs,
} from "../../lib/install/_hooks.ts";

const PREFIXES = ["agnes-sessions"];
const SPECS = ourHookSpecs("agnes-sessions");
const hook = (command: string) => ({ type: "command", command });
const entry = (...commands: string[]) => ({ hooks: commands.map(hook) });
const start = entry("agnes-sessions capture-session");
const endCommand = "agnes-sessions capture-session --push";
const end = { hooks: [{ type: "command", command: endCommand, timeout: 5, async: true }] };

Deno.test("editOurHooks() adds one entry per event and keeps every other key", () => {
  const result = editOurHooks(
    { model: "opus", permissions: { allow: ["Read"] } },
    SPECS,
    PREFIXES,
  );
  assertEquals(result.settings, {
    model: "opus",
    permissions: { allow: ["Read"] },
    hooks: { SessionStart: [start], SessionEnd: [end] },
  });
  assertEquals(result.hooks.map((change) => change.action), ["added", "added"]);
});

Deno.test("editOurHooks() replaces our entries in place and never duplicates them", () => {
  const foreign = entry("echo before");
  const after = entry("echo after");
  const old = entry("/old/agnes-sessions capture-session");
  const settings = { hooks: { SessionStart: [foreign, old, start, after] } };
  const result = editOurHooks(settings, SPECS, ["agnes-sessions", "/old/agnes-sessions"]);
  assertEquals((result.settings.hooks as Record<string, unknown>).SessionStart, [
    foreign,
    start,
    after,
  ]);
  assertEquals(result.hooks[0]!.action, "updated");
});

Deno.test("editOurHooks() of its own output changes nothing (unchanged)", () => {
  const once = editOurHooks({}, SPECS, PREFIXES).settings;
  const twice = editOurHooks(once, SPECS, PREFIXES);
  assertEquals(twice.settings, once);
  assertEquals(twice.hooks.map((change) => change.action), ["unchanged", "unchanged"]);
});

Deno.test("editOurHooks() runs SessionEnd in the background (async) and SessionStart in the foreground", () => {
  const { settings } = editOurHooks({}, SPECS, PREFIXES);
  const hooks = settings.hooks as Record<string, { hooks: Record<string, unknown>[] }[]>;
  assertEquals(hooks.SessionStart![0]!.hooks[0]!.async, undefined);
  assertEquals(hooks.SessionEnd![0]!.hooks[0]!.async, true);
});

Deno.test("editOurHooks() updates our SessionEnd entry written before it was async, once", () => {
  const older = { hooks: [{ type: "command", command: endCommand, timeout: 5 }] };
  const settings = { hooks: { SessionStart: [start], SessionEnd: [entry("echo bye"), older] } };
  const result = editOurHooks(settings, SPECS, PREFIXES);
  assertEquals(result.settings.hooks, {
    SessionStart: [start],
    SessionEnd: [entry("echo bye"), end],
  });
  assertEquals(result.hooks.map((change) => change.action), ["unchanged", "updated"]);
  const again = editOurHooks(result.settings, SPECS, PREFIXES);
  assertEquals(again.hooks.map((change) => change.action), ["unchanged", "unchanged"]);
  assertEquals(findOurHooks(settings, "SessionEnd", PREFIXES), [
    { command: endCommand, mixed: false },
  ]);
  const removed = editOurHooks(settings, [], PREFIXES);
  assertEquals(removed.settings.hooks, { SessionEnd: [entry("echo bye")] });
});

Deno.test("editOurHooks() recognises our prefix exactly, never as a substring", () => {
  const lookalikes = [
    entry("agnes-sessions-beta capture-session"),
    entry("my-agnes-sessions capture-session"),
    entry('bash -c "agnes-sessions capture-session || true"'),
    entry("agnes-sessions unknown-subcommand"),
    entry('bash -c "agnes capture-session 2>/dev/null || true"'),
  ];
  const result = editOurHooks({ hooks: { SessionStart: lookalikes } }, SPECS, PREFIXES);
  assertEquals((result.settings.hooks as Record<string, unknown>).SessionStart, [
    ...lookalikes,
    start,
  ]);
});

Deno.test("editOurHooks() keeps an entry mixing ours with a foreign command, and does not add ours again", () => {
  const mixed = entry("agnes-sessions capture-session", "echo hi");
  const result = editOurHooks({ hooks: { SessionStart: [mixed] } }, SPECS, PREFIXES);
  assertEquals((result.settings.hooks as Record<string, unknown>).SessionStart, [mixed]);
  assertEquals(result.hooks[0]!.action, "in-mixed-entry");
  assertEquals(result.mixedKept, 1);
});

Deno.test("hooksShapeProblem() names a hooks value of the wrong shape, which cannot be merged safely", () => {
  assertEquals(hooksShapeProblem({ hooks: [] }), 'its "hooks" is not an object');
  assertEquals(
    hooksShapeProblem({ hooks: { SessionEnd: {} } }),
    'its "hooks.SessionEnd" is not an array',
  );
  assertEquals(hooksShapeProblem({ hooks: { PreToolUse: {}, SessionStart: [] } }), undefined);
  assertEquals(hooksShapeProblem({}), undefined);
});

Deno.test("editOurHooks() with no hook wanted takes out ours and the containers that become empty, nothing else", () => {
  const foreign = entry("echo hi");
  const settings = {
    hooks: { PreToolUse: [foreign], SessionStart: [start], SessionEnd: [foreign, end] },
  };
  assertEquals(editOurHooks(settings, [], PREFIXES).settings, {
    hooks: { PreToolUse: [foreign], SessionEnd: [foreign] },
  });
  assertEquals(
    editOurHooks({ a: 1, hooks: { SessionStart: [start], SessionEnd: [end] } }, [], PREFIXES)
      .settings,
    { a: 1 },
  );
});

Deno.test("editOurHooks() with no hook wanted keeps containers that were empty before and mixed entries", () => {
  const mixed = entry("agnes-sessions capture-session", "echo hi");
  const settings = { hooks: { SessionStart: [], SessionEnd: [mixed] } };
  const result = editOurHooks(settings, [], PREFIXES);
  assertEquals(result.settings, settings);
  assertEquals(result.mixedKept, 1);
  assertEquals(editOurHooks({ hooks: {} }, [], PREFIXES).settings, { hooks: {} });
  assertEquals(editOurHooks({ a: 1 }, [], PREFIXES).settings, { a: 1 });
});

Deno.test("findOurHooks() finds ours, marking those in mixed entries", () => {
  const settings = {
    hooks: { SessionStart: [start, entry("echo x", "agnes-sessions capture-session")] },
  };
  assertEquals(findOurHooks(settings, "SessionStart", PREFIXES), [
    { command: "agnes-sessions capture-session", mixed: false },
    { command: "agnes-sessions capture-session", mixed: true },
  ]);
});

Deno.test("eventCommands() lists every hook command of an event with its entry, and skips any other shape", () => {
  const foreign = entry("echo hi");
  assertEquals(
    eventCommands({ hooks: { SessionStart: [foreign, 7, { hooks: "x" }] } }, "SessionStart"),
    [
      { command: "echo hi", entry: foreign },
    ],
  );
  assertEquals(eventCommands({ hooks: "bad" }, "SessionStart"), []);
  assertEquals(eventCommands({ hooks: { SessionStart: {} } }, "SessionStart"), []);
});
