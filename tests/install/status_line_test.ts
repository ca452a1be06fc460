import { assertEquals } from "../_assert.ts";
import type { SettingsFile, SettingsLevel } from "../../lib/claude/settings.ts";
import {
  decideStatusLine,
  type LevelSettings,
  removeOurStatusLine,
} from "../../lib/install/status_line.ts";

const PREFIXES = ["agnes-sessions"];
const line = (command: string) => ({ type: "command", command });
const OURS = { statusLine: line("agnes-sessions statusline") };
const MINE = { statusLine: line("~/bin/my-status") };
const PYTHON = { statusLine: line("agnes statusline") };

function levels(values: Partial<Record<SettingsLevel, Record<string, unknown> | SettingsFile>>) {
  return (["user", "project", "local"] as const).map((level): LevelSettings => {
    const value = values[level] ?? {};
    const file: SettingsFile = "state" in value && typeof value.state === "string"
      ? value as SettingsFile
      : { state: "ok", text: "", value };
    return { level, path: `/${level}.json`, file };
  });
}

Deno.test("decideStatusLine() sets ours when no level sets one", () => {
  assertEquals(decideStatusLine(levels({}), "local", "keep", PREFIXES), { action: "set" });
  assertEquals(decideStatusLine(levels({}), "project", "keep", PREFIXES), { action: "set" });
  assertEquals(
    decideStatusLine(levels({ local: { statusLine: null } }), "local", "keep", PREFIXES),
    {
      action: "set",
    },
  );
});

for (const level of ["user", "project", "local"] as const) {
  Deno.test(`decideStatusLine() keeps a foreign status line at the ${level} level`, () => {
    const decision = decideStatusLine(levels({ [level]: MINE }), "local", "keep", PREFIXES);
    assertEquals(decision.action, "keep");
    if (decision.action !== "keep") return;
    assertEquals([decision.level.level, decision.owner, decision.value], [
      level,
      "foreign",
      MINE.statusLine,
    ]);
  });
}

Deno.test("decideStatusLine() keeps the Python tool's status line, naming it", () => {
  const decision = decideStatusLine(levels({ project: PYTHON }), "local", "keep", PREFIXES);
  assertEquals(decision.action === "keep" && decision.owner, "python");
});

Deno.test("decideStatusLine() names the status line Claude Code shows: the highest level's", () => {
  const decision = decideStatusLine(
    levels({ user: MINE, project: { statusLine: line("team-status") } }),
    "local",
    "keep",
    PREFIXES,
  );
  assertEquals(decision.action === "keep" && decision.level.level, "project");
});

Deno.test("decideStatusLine() keeps ours (refreshed) once set, even when a lower level sets one", () => {
  assertEquals(decideStatusLine(levels({ user: MINE, local: OURS }), "local", "keep", PREFIXES), {
    action: "set",
  });
});

Deno.test("decideStatusLine() with an unreadable level does not set ours", () => {
  const unreadable: SettingsFile = { state: "unreadable", problem: "it is a symbolic link" };
  const decision = decideStatusLine(levels({ user: unreadable }), "local", "keep", PREFIXES);
  assertEquals(decision.action === "keep" && decision.owner, "unknown");
});

Deno.test("decideStatusLine() replace: replaces the target's own, keeping it as the previous one", () => {
  assertEquals(decideStatusLine(levels({ local: MINE }), "local", "replace", PREFIXES), {
    action: "replace",
    previous: MINE.statusLine,
  });
  const shadowed = decideStatusLine(levels({ local: MINE }), "project", "replace", PREFIXES);
  assertEquals(shadowed.action, "set");
  assertEquals("shadowedBy" in shadowed && shadowed.shadowedBy?.level, "local");
});

Deno.test("removeOurStatusLine() removes ours, restores a backup, keeps a foreign one", () => {
  assertEquals(removeOurStatusLine({ a: 1, ...OURS }, PREFIXES, undefined), {
    settings: { a: 1 },
    action: "removed",
  });
  assertEquals(removeOurStatusLine(OURS, PREFIXES, MINE.statusLine), {
    settings: MINE,
    action: "restored",
  });
  assertEquals(removeOurStatusLine(MINE, PREFIXES, "x"), {
    settings: MINE,
    action: "kept",
  });
});

Deno.test("decideStatusLine() replace with a lower level's status line: sets ours, naming the one it hides", () => {
  const decision = decideStatusLine(levels({ user: MINE }), "local", "replace", PREFIXES);
  assertEquals(decision.action, "set");
  assertEquals("overrides" in decision && decision.overrides?.level, "user");
});
