/**
 * The tree is the architecture: these tests hold the code to the layout
 * `docs/architecture.md` describes.
 */

import { assert, assertEquals } from "./_assert.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * What each folder of `lib/` may import (besides itself). `version.ts` sits
 * at the bottom with `fs/` and `format/`.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  "fs": [],
  "format": [],
  "version.ts": [],
  "lock": ["fs", "format"],
  "store": ["lock", "fs", "format"],
  "config": ["fs"],
  "claude": ["fs"],
  "http": ["fs", "format", "version.ts"],
  "hook": ["store", "lock", "claude", "fs", "format"],
  "push": ["http", "store", "lock", "config", "claude", "fs", "format", "version.ts"],
  "cli": ["fs"],
  "install": ["claude", "store", "fs", "format"],
  "status": ["install", "http", "config", "store", "lock", "cli", "fs", "format"],
  "commands": [
    "cli",
    "status",
    "install",
    "hook",
    "push",
    "http",
    "store",
    "lock",
    "config",
    "claude",
    "fs",
    "format",
    "version.ts",
  ],
};

/** Every `.ts` file under `dir`, relative to the repository root. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** The relative imports of a file's code (doc comments, which hold examples, left out). */
function importsOf(file: string): string[] {
  const code = Deno.readTextFileSync(`${ROOT}${file}`).replace(/\/\*\*[\s\S]*?\*\//g, "");
  const found = [...code.matchAll(/\b(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)]
    .map((m) => m[1]!);
  const base = new URL(file, `file://${ROOT}`);
  return found.map((specifier) => new URL(specifier, base).pathname.slice(ROOT.length));
}

/** The area a `lib/` file belongs to: its folder, or `version.ts`. */
function areaOf(file: string): string {
  const [, area] = file.split("/");
  return area!;
}

Deno.test("lib/ imports point one way: no folder imports one above it", () => {
  const violations: string[] = [];
  for (const file of sourceFiles("lib")) {
    const from = areaOf(file);
    for (const target of importsOf(file)) {
      const to = areaOf(target);
      if (to !== from && !MAY_IMPORT[from]!.includes(to)) violations.push(`${file} -> ${target}`);
    }
  }
  assertEquals(violations, []);
});

Deno.test("lib/ code imports files, never a folder's mod.ts (those are for the entry points)", () => {
  const violations = sourceFiles("lib").flatMap((file) =>
    importsOf(file).filter((target) => target.endsWith("/mod.ts") && !file.endsWith("/mod.ts"))
      .map((target) => `${file} -> ${target}`)
  );
  assertEquals(violations, []);
});

Deno.test("every lib/ folder has a mod.ts whose module doc says what it may import", () => {
  for (const area of Object.keys(MAY_IMPORT).filter((area) => !area.endsWith(".ts"))) {
    const text = Deno.readTextFileSync(`${ROOT}lib/${area}/mod.ts`);
    assert(text.includes("@module"), `lib/${area}/mod.ts has no module doc`);
    assert(text.includes("May import:"), `lib/${area}/mod.ts does not say what it may import`);
  }
});

/** Every file `entry` loads, following relative imports (static and dynamic). */
function loadedBy(entry: string, dynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = Deno.readTextFileSync(`${ROOT}${file}`).replace(/\/\*\*[\s\S]*?\*\//g, "");
    const pattern = dynamic
      ? /\b(?:from|import)\s*\(?\s*"([^"]+)"/g
      : /\b(?:from|import)\s*"([^"]+)"/g;
    for (const [, specifier] of code.matchAll(pattern)) {
      if (!specifier!.startsWith(".")) {
        seen.add(specifier!);
        continue;
      }
      visit(new URL(specifier!, new URL(file, `file://${ROOT}`)).pathname.slice(ROOT.length));
    }
  };
  visit(entry);
  return seen;
}

/**
 * The two files of `lib/claude/` the capture hook may load: where Claude Code
 * keeps a session's transcript (`projectsRoot`, `encodeProjectFolder`), for a
 * payload that names none (the session is taken from the environment) and for
 * the SessionStart catch-up; `settings.ts` says where `$CLAUDE_CONFIG_DIR`
 * points. Both import only `fs/`.
 */
const HOOK_CLAUDE_FILES = ["lib/claude/transcripts.ts", "lib/claude/settings.ts"];

Deno.test("the hook commands load only what they use: no push, http, config or node: modules", () => {
  for (const hook of ["lib/commands/capture_session.ts", "lib/commands/status_line.ts"]) {
    const loaded = [...loadedBy(hook, true)];
    const heavy = loaded.filter((file) =>
      (/^lib\/(push|http|config|claude|commands\/(?!capture_session|status_line))/.test(file) &&
        !HOOK_CLAUDE_FILES.includes(file)) ||
      file.startsWith("node:") || file.startsWith("npm:") || file.endsWith("mod.ts")
    );
    assertEquals(heavy, [], `${hook} loads ${heavy.join(", ")}`);
  }
  // Of lib/claude/, exactly those two: the settings readers and installers stay off the hook path.
  const claude = [...loadedBy("lib/commands/capture_session.ts", true)]
    .filter((file) => file.startsWith("lib/claude/")).sort();
  assertEquals(claude, [...HOOK_CLAUDE_FILES].sort());
  // cli.ts itself loads the commands lazily: statically it needs almost nothing.
  assertEquals([...loadedBy("cli.ts", false)].sort(), [
    "cli.ts",
    "lib/cli/args.ts",
    "lib/cli/exit_code.ts",
    "lib/cli/run_command.ts",
    "lib/cli/suggest.ts",
    "lib/version.ts",
  ]);
});

Deno.test("mod.ts names its exports one by one", () => {
  const text = Deno.readTextFileSync(`${ROOT}mod.ts`);
  assert(!/^export \*/m.test(text), "mod.ts re-exports a whole module");
});

Deno.test("doc examples assert with something that throws, never console.assert", () => {
  const offenders = [...sourceFiles("lib"), "mod.ts", "cli.ts"].filter((file) =>
    Deno.readTextFileSync(`${ROOT}${file}`).includes("console.assert")
  );
  assertEquals(offenders, []);
});
