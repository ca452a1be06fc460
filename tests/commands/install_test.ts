import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { CLI, readIfExists, runCli } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";
import { git, installEnv, snapshotFiles } from "../install/_env.ts";
import { readLockOwner, readPrivateList } from "../../mod.ts";
import { RUN_FLAGS } from "../../lib/cli/detach.ts";

const LOCAL = ".claude/settings.local.json";
const SHARED = ".claude/settings.json";
const SLASH = ".claude/commands/agnes-private.md";
const RECORD = ".claude/agnes-sessions-install.json";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const hook = (command: string, extra: Record<string, unknown> = {}) => ({
  hooks: [{ type: "command", command, ...extra }],
});
const OUR_START = hook("agnes-sessions capture-session");
const OUR_END = hook("agnes-sessions capture-session --push", { timeout: 5, async: true });
const OUR_LINE = { type: "command", command: "agnes-sessions statusline" };

/** The settings the Python agnes tool's installer writes into `.claude/settings.json`. */
const PYTHON_SETTINGS = {
  hooks: {
    SessionStart: [
      hook('bash -c "agnes capture-session 2>/dev/null || true"'),
      hook(
        'bash -c "agnes self-upgrade --quiet 2>/dev/null || true; agnes pull --quiet 2>/dev/null || true"',
      ),
    ],
    SessionEnd: [
      hook('bash -c "( nohup agnes push --quiet </dev/null >/dev/null 2>&1 & ) ; true"'),
    ],
  },
  statusLine: { type: "command", command: "agnes statusline" },
};
const PYTHON_SLASH =
  "---\ndescription: Mark the current Claude Code session as private\ndisable-model-invocation: true\n---\n\n!`agnes mark-private`\n";

/** Waits (at most 20 s) until `ready` answers true. */
async function waitFor(ready: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (await ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

// ---------------------------------------------------------------------------
// End to end

/** Runs a command string as Claude Code does: through `sh -c`, hook JSON on stdin. */
async function runHook(
  command: string,
  stdin: string,
  options: { env: Record<string, string>; cwd: string },
): Promise<{ code: number; stdout: string; elapsedMs: number; pid: number }> {
  const started = performance.now();
  const child = new Deno.Command("sh", {
    args: ["-c", command],
    cwd: options.cwd,
    env: options.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    detached: true, // its own process group, which Claude Code kills at teardown
    signal: AbortSignal.timeout(30_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const output = await child.output(); // also waits for anything holding stdout open
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    elapsedMs: performance.now() - started,
    pid: child.pid,
  };
}

Deno.test("install end to end: SessionStart queues the session; SessionEnd returns within 1.5 s and its detached push delivers the session after the hook's process group is killed; /agnes-private marks a session and push skips it", async () => {
  await using s = await setup();
  await using harness = await installEnv();
  const root = s.workspace.root;
  const env = { ...harness.env, ...s.env, CLAUDE_PROJECT_DIR: root };
  const command = `${Deno.execPath()} run -A ${CLI}`;
  const installed = await runCli(["install", "--workspace", root, "--command", command], { env });
  assertEquals(installed.code, 0, installed.stderr);
  const settings = JSON.parse(await Deno.readTextFile(`${root}/${LOCAL}`));
  const startCommand: string = settings.hooks.SessionStart[0].hooks[0].command;
  const endHook = settings.hooks.SessionEnd[0].hooks[0];
  assertEquals(startCommand, `${command} capture-session`);
  assert(endHook.timeout >= 2 && endHook.timeout <= 10, `SessionEnd timeout ${endHook.timeout}`);

  const transcript = await s.transcript("e2e-one");
  const payload = (id: string, path: string, event: string) =>
    JSON.stringify({ session_id: id, transcript_path: path, cwd: root, hook_event_name: event });
  const start = await runHook(startCommand, payload("e2e-one", transcript, "SessionStart"), {
    env,
    cwd: root,
  });
  assertEquals([start.code, start.stdout], [0, ""]);
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), `e2e-one\t${transcript}\n`);

  const end = await runHook(endHook.command, payload("e2e-one", transcript, "SessionEnd"), {
    env,
    cwd: root,
  });
  try {
    Deno.kill(-end.pid, "SIGKILL"); // what Claude Code does to hook children at teardown
  } catch {
    // The group is already empty: the push is not in it.
  }
  assertEquals([end.code, end.stdout], [0, ""]);
  assert(end.elapsedMs < 1_500, `SessionEnd took ${end.elapsedMs} ms`);
  assert(
    await waitFor(async () => (await s.receiver.stored()).has("e2e-one.jsonl")),
    "the detached push did not deliver the session",
  );
  assert(
    await waitFor(async () => (await readLockOwner(s.workspace.file("pushLock"))) === undefined),
  );

  // /agnes-private: the `!` line, run from a subfolder as Claude Code runs it.
  const body = /^!`(.+)`$/m.exec(await Deno.readTextFile(`${root}/${SLASH}`))![1]!;
  const subfolder = `${root}/notebooks/deep`;
  await Deno.mkdir(subfolder, { recursive: true });
  const substituted = await s.transcript("e2e-two");
  const fromShell = await s.transcript("e2e-three");
  for (const [id, path] of [["e2e-two", substituted], ["e2e-three", fromShell]]) {
    const queued = await runHook(startCommand, payload(id!, path!, "SessionStart"), {
      env,
      cwd: root,
    });
    assertEquals(queued.code, 0);
  }
  const newer = body.replaceAll("${CLAUDE_SESSION_ID}", "e2e-two")
    .replaceAll("${CLAUDE_PROJECT_DIR}", root); // newer Claude Code substitutes the text
  const marked = await runHook(newer, "", {
    env: { ...env, CLAUDE_CODE_SESSION_ID: "e2e-two" },
    cwd: subfolder,
  });
  assertEquals(marked.code, 0);
  assertStringIncludes(marked.stdout, "e2e-two");
  const older = await runHook(body, "", { // older ones leave it to the shell
    env: { ...env, CLAUDE_CODE_SESSION_ID: "e2e-three", CLAUDE_SESSION_ID: "" },
    cwd: subfolder,
  });
  assertEquals(older.code, 0);
  assertStringIncludes(older.stdout, "e2e-three");
  assertEquals(await readPrivateList(s.workspace), new Set(["e2e-two", "e2e-three"]));
  assertEquals(
    await readIfExists(`${root}/notebooks/deep/.claude/agnes-sessions-private.txt`),
    undefined,
  );

  const pushed = await runCli(["push", "--workspace", root, "--json"], { env });
  assertEquals(JSON.parse(pushed.stdout).private_skipped, 2);
  const stored = await s.receiver.stored();
  assert(!stored.has("e2e-two.jsonl") && !stored.has("e2e-three.jsonl"));
});

// ---------------------------------------------------------------------------
// What install writes, and a second run

Deno.test("install writes our hooks, status line and /agnes-private into settings.local.json", async () => {
  await using h = await installEnv();
  const result = await h.install();
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    await h.read(LOCAL),
    json({ hooks: { SessionStart: [OUR_START], SessionEnd: [OUR_END] }, statusLine: OUR_LINE }),
  );
  assertEquals(await h.read(SHARED), undefined);
  assertMatch(
    (await h.read(SLASH))!,
    /^---\ndescription: .+\ndisable-model-invocation: true\nallowed-tools: Bash\(agnes-sessions mark-private:\*\)\n---\n/,
  );
  for (
    const said of [
      `Created ${LOCAL}`,
      '"agnes-sessions capture-session"',
      '"agnes-sessions capture-session --push"',
      "(in the background, timeout 5 s)",
      'Status line: set "agnes-sessions statusline"',
      `/agnes-private (${SLASH})`,
    ]
  ) {
    assertStringIncludes(result.stdout, said);
  }
  assertMatch(result.stdout, /Next: run "agnes-sessions status"[^\n]*\n$/);
});

Deno.test("install leaves every file byte-identical on a second run", async () => {
  await using h = await installEnv();
  await git(h.workspace.root, "init", "-q");
  await h.write(SHARED, json({ model: "opus", hooks: { PreToolUse: [hook("echo pre")] } }));
  assertEquals((await h.install()).code, 0);
  const first = await snapshotFiles(h.workspace.root);
  const again = await h.install();
  assertEquals(again.code, 0);
  assertEquals(await snapshotFiles(h.workspace.root), first);
  assertStringIncludes(again.stdout, "Nothing to change");
  assertEquals((await h.install(["--statusline", "replace"])).code, 0);
  assertEquals(await snapshotFiles(h.workspace.root), first);
});

Deno.test("install replaces our entries written with an earlier --command, never adding a second", async () => {
  await using h = await installEnv();
  assertEquals((await h.install(["--command", "/opt/old/agnes-sessions"])).code, 0);
  assertStringIncludes((await h.read(SLASH))!, "/opt/old/agnes-sessions mark-private");
  const result = await h.install();
  assertEquals(result.code, 0);
  const settings = JSON.parse((await h.read(LOCAL))!);
  assertEquals(settings.hooks, { SessionStart: [OUR_START], SessionEnd: [OUR_END] });
  assertEquals(settings.statusLine, OUR_LINE);
  assertStringIncludes((await h.read(SLASH))!, "!`agnes-sessions mark-private");
  assertStringIncludes(result.stdout, "replaced our earlier entry");
  assertEquals(JSON.parse((await h.read(RECORD))!).local.command, "agnes-sessions");
});

Deno.test("install makes the SessionEnd entry of an earlier install async, once; status and uninstall still know it", async () => {
  await using h = await installEnv();
  const older = hook("agnes-sessions capture-session --push", { timeout: 5 });
  await h.write(LOCAL, json({ hooks: { SessionStart: [OUR_START], SessionEnd: [older] } }));
  const status = await runCli(["status", "--offline", "--json", "--workspace", h.workspace.root], {
    env: h.env,
  });
  const { hooks } = JSON.parse(status.stdout).installation;
  assertEquals(hooks.session_end.map((hook: { command: string }) => hook.command), [
    "agnes-sessions capture-session --push",
  ]);
  const result = await h.install();
  assertEquals(result.code, 0, result.stderr);
  assertStringIncludes(
    result.stdout,
    'SessionEnd hook: replaced our earlier entry with "agnes-sessions capture-session --push"',
  );
  const settings = JSON.parse((await h.read(LOCAL))!);
  assertEquals(settings.hooks, { SessionStart: [OUR_START], SessionEnd: [OUR_END] });
  assertStringIncludes((await h.install()).stdout, "Nothing to change");
  await h.write(LOCAL, json({ hooks: { SessionStart: [OUR_START], SessionEnd: [older] } }));
  assertEquals((await h.install(["--uninstall"])).code, 0);
  assertEquals(JSON.parse((await h.read(LOCAL))!).hooks, undefined);
});

Deno.test("install refuses a --command that sh and PowerShell read differently (exit 2, nothing written)", async () => {
  await using h = await installEnv();
  for (
    const command of [
      'bash -c "agnes-sessions capture-session || true"',
      "agnes-sessions 2>/dev/null",
    ]
  ) {
    const result = await h.install(["--command", command]);
    assertEquals(result.code, 2);
    assertStringIncludes(result.stderr, "--command");
  }
  assertEquals(await h.workspace.hasStateDir(), false);
});

Deno.test("install --command takes the compiled binary's own flags, written so that sh hands them over as they were given", async () => {
  await using h = await installEnv();
  const program = `${h.home}/print-args`;
  await Deno.writeTextFile(program, '#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n');
  await Deno.chmod(program, 0o755);
  const main = `${h.home}/dist/bundle/main.js`;
  const result = await h.install(["--command", `${program} run ${RUN_FLAGS.join(" ")} ${main}`]);
  assertEquals(result.code, 0, result.stderr);
  const settings = JSON.parse((await h.read(LOCAL))!);
  const start: string = settings.hooks.SessionStart[0].hooks[0].command;
  assertStringIncludes(start, '"--v8-flags=--no-lazy,--max-semi-space-size=2"');
  const ran = await runHook(start, "", { env: h.env, cwd: h.workspace.root });
  assertEquals(ran.stdout.split("\n").slice(0, -1), ["run", ...RUN_FLAGS, main, "capture-session"]);
  assertEquals(
    (await h.install(["--command", `${program} run ${RUN_FLAGS.join(" ")} ${main}`])).stdout
      .includes("Nothing to change"),
    true,
  );
});

// ---------------------------------------------------------------------------
// Foreign entries, the Python tool

const FOREIGN = {
  model: "opus",
  permissions: { allow: ["Read", "Bash(git status:*)"] },
  hooks: {
    PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "./check.sh" }] }],
    SessionStart: [hook("echo hello"), {
      hooks: [
        { type: "command", command: "agnes-sessions capture-session" },
        { type: "command", command: "notify-send start" },
      ],
    }],
    SessionEnd: [hook("./cleanup.sh", { timeout: 30 })],
  },
  env: { FOO: "bar" },
};

Deno.test("install keeps every foreign entry and key, and uninstall leaves the file byte-identical", async () => {
  await using h = await installEnv();
  await h.write(LOCAL, json(FOREIGN));
  const result = await h.install();
  assertEquals(result.code, 0, result.stderr);
  const settings = JSON.parse((await h.read(LOCAL))!);
  assertEquals(settings.model, FOREIGN.model);
  assertEquals(settings.permissions, FOREIGN.permissions);
  assertEquals(settings.env, FOREIGN.env);
  assertEquals(settings.hooks.PreToolUse, FOREIGN.hooks.PreToolUse);
  assertEquals(settings.hooks.SessionStart, FOREIGN.hooks.SessionStart); // the mixed entry already runs ours
  assertEquals(settings.hooks.SessionEnd, [...FOREIGN.hooks.SessionEnd, OUR_END]);
  assertStringIncludes(result.stdout, "also runs other commands");
  const removed = await h.install(["--uninstall"]);
  assertEquals(removed.code, 0, removed.stderr);
  assertEquals(await h.read(LOCAL), json(FOREIGN));
  assertEquals(await h.read(RECORD), undefined);
  assertEquals(await h.read(SLASH), undefined);
});

Deno.test("install keeps the Python tool's hooks, status line and /agnes-private, and says both tools are installed", async () => {
  await using h = await installEnv();
  await h.write(SHARED, json(PYTHON_SETTINGS));
  await h.write(SLASH, PYTHON_SLASH);
  const result = await h.install();
  assertEquals(result.code, 0, result.stderr);
  assertEquals(await h.read(SHARED), json(PYTHON_SETTINGS));
  assertEquals(await h.read(SLASH), PYTHON_SLASH);
  assertEquals(JSON.parse((await h.read(LOCAL))!), {
    hooks: { SessionStart: [OUR_START], SessionEnd: [OUR_END] },
  });
  assertStringIncludes(result.stdout, "The Python agnes tool is installed too");
  assertStringIncludes(result.stdout, "SessionStart: agnes capture-session");
  assertStringIncludes(result.stdout, "SessionEnd: agnes push");
  assertStringIncludes(result.stdout, "sharing the queue, the private list and the locks");
  assertStringIncludes(result.stdout, "kept the Python agnes tool's");
  assertStringIncludes(result.stdout, `kept ${SLASH}, the Python agnes tool's /agnes-private`);
});

/** The settings the newer Python CLI's installer writes: a detached update, a detached push. */
const NEWER_PYTHON_SETTINGS = {
  hooks: {
    SessionStart: [
      hook('bash -c "( nohup agnes update --quiet </dev/null >/dev/null 2>&1 & ) ; true"'),
    ],
    SessionEnd: [
      hook('bash -c "( nohup agnes push --quiet </dev/null >/dev/null 2>&1 & ) ; true"'),
    ],
  },
  statusLine: { type: "command", command: "agnes statusline" },
};

Deno.test("install beside the newer Python CLI says the two share the uploaded log, the private list and the push lock, not the queue", async () => {
  await using h = await installEnv();
  await h.write(SHARED, json(NEWER_PYTHON_SETTINGS));
  const result = await h.install();
  assertEquals(result.code, 0, result.stderr);
  assertEquals(await h.read(SHARED), json(NEWER_PYTHON_SETTINGS));
  assertStringIncludes(result.stdout, "SessionStart: agnes update, SessionEnd: agnes push");
  assertStringIncludes(
    result.stdout,
    "sharing the uploaded log, the private list and the push lock",
  );
  assert(!result.stdout.includes("the queue"), result.stdout);
});

Deno.test("install --shared adds ours beside the Python tool's entries in settings.json, untouched", async () => {
  await using h = await installEnv();
  await git(h.workspace.root, "init", "-q");
  await h.write(SHARED, json(PYTHON_SETTINGS));
  const result = await h.install(["--shared"]);
  assertEquals(result.code, 0, result.stderr);
  const settings = JSON.parse((await h.read(SHARED))!);
  assertEquals(settings.hooks.SessionStart, [...PYTHON_SETTINGS.hooks.SessionStart, OUR_START]);
  assertEquals(settings.hooks.SessionEnd, [...PYTHON_SETTINGS.hooks.SessionEnd, OUR_END]);
  assertEquals(settings.statusLine, PYTHON_SETTINGS.statusLine);
  assertEquals(await h.read(LOCAL), undefined);
  assertEquals(await h.read(".git/info/exclude").then((text) => text?.includes("settings")), false);
  assertEquals((await h.install(["--uninstall", "--shared"])).code, 0);
  assertEquals(await h.read(SHARED), json(PYTHON_SETTINGS));
});

// ---------------------------------------------------------------------------
// The status line at every settings level

const MINE = { type: "command", command: "~/bin/my-status --short" };

for (const level of ["user", "project", "local"] as const) {
  Deno.test(`install keeps a foreign status line set at the ${level} level and says how to add ours`, async () => {
    await using h = await installEnv();
    const path = level === "user"
      ? `${h.claudeDir}/settings.json`
      : `${h.workspace.root}/${level === "project" ? SHARED : LOCAL}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, json({ statusLine: MINE }));
    const result = await h.install();
    assertEquals(result.code, 0, result.stderr);
    assertEquals(await Deno.readTextFile(path).then(JSON.parse).then((v) => v.statusLine), MINE);
    if (level !== "local") assertEquals(JSON.parse((await h.read(LOCAL))!).statusLine, undefined);
    assertStringIncludes(result.stdout, "Status line: kept the one set in");
    assertStringIncludes(result.stdout, '"~/bin/my-status --short"');
    assertStringIncludes(result.stdout, "agnes-sessions statusline");
    assertStringIncludes(result.stdout, "--statusline replace");
  });
}

Deno.test("install reads the user level from ~/.claude when CLAUDE_CONFIG_DIR is not set", async () => {
  await using h = await installEnv();
  await Deno.writeTextFile(`${h.home}/.claude/settings.json`, json({ statusLine: MINE }));
  const result = await h.install([], { env: { CLAUDE_CONFIG_DIR: "" } });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse((await h.read(LOCAL))!).statusLine, undefined);
  assertStringIncludes(result.stdout, `${h.home}/.claude/settings.json`);
});

Deno.test("install --statusline replace replaces a foreign status line, keeps it, and uninstall puts it back", async () => {
  await using h = await installEnv();
  const original = json({ model: "opus", statusLine: MINE });
  await h.write(LOCAL, original);
  const result = await h.install(["--statusline", "replace"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse((await h.read(LOCAL))!).statusLine, OUR_LINE);
  assertEquals(JSON.parse((await h.read(RECORD))!).local.statusLineBackup, MINE);
  assertStringIncludes(result.stdout, 'replaced "~/bin/my-status --short"');
  assertEquals((await h.install()).code, 0); // a plain run keeps ours and the backup
  assertEquals(JSON.parse((await h.read(RECORD))!).local.statusLineBackup, MINE);
  const removed = await h.install(["--uninstall"]);
  assertEquals(removed.code, 0, removed.stderr);
  assertEquals(await h.read(LOCAL), original);
  assertStringIncludes(removed.stdout, "put back");
});

// ---------------------------------------------------------------------------
// Settings that are not a JSON object

for (const [kind, text] of [["not valid JSON", '{"hooks": {'], ["not an object", "[1, 2]\n"]]) {
  Deno.test(`install refuses a settings file that is ${kind} (exit 1, untouched), and --force backs it up and rebuilds it`, async () => {
    await using h = await installEnv();
    await h.write(LOCAL, text!);
    const refused = await h.install();
    assertEquals(refused.code, 1);
    assertStringIncludes(refused.stderr, `${h.workspace.root}/${LOCAL}`);
    assertStringIncludes(refused.stderr, "--force");
    assertEquals([...(await snapshotFiles(h.workspace.root)).keys()], [LOCAL]);
    assertEquals(await h.read(LOCAL), text);

    const forced = await h.install(["--force"]);
    assertEquals(forced.code, 0, forced.stderr);
    const backups = [...(await snapshotFiles(h.workspace.root)).entries()]
      .filter(([name]) => /^\.claude\/settings\.local\.json\.corrupt\.\d{8}T\d{6}Z$/.test(name));
    assertEquals(backups.map(([, content]) => content), [text]);
    assertEquals(JSON.parse((await h.read(LOCAL))!).hooks.SessionEnd, [OUR_END]);
  });
}

Deno.test("install refuses a settings file that is a symbolic link, even with --force, leaving the link and its target alone", async () => {
  await using h = await installEnv();
  const target = `${h.home}/dotfiles-settings.json`;
  await Deno.writeTextFile(target, json({ model: "opus" }));
  await Deno.mkdir(`${h.workspace.root}/.claude`);
  await Deno.symlink(target, `${h.workspace.root}/${LOCAL}`);
  for (const args of [[], ["--force"], ["--uninstall"]]) {
    const result = await h.install(args);
    assertEquals(result.code, 1, args.join(" "));
    assertStringIncludes(result.stderr, "symbolic link");
  }
  assertEquals(await Deno.readTextFile(target), json({ model: "opus" }));
  assert(Deno.lstatSync(`${h.workspace.root}/${LOCAL}`).isSymlink);
});

// ---------------------------------------------------------------------------
// Uninstall

Deno.test("install --uninstall keeps a slash command file changed since install wrote it", async () => {
  await using h = await installEnv();
  assertEquals((await h.install()).code, 0);
  const edited = (await h.read(SLASH))! + "Also say thanks.\n";
  await h.write(SLASH, edited);
  const removed = await h.install(["--uninstall"]);
  assertEquals(removed.code, 0);
  assertEquals(await h.read(SLASH), edited);
  assertStringIncludes(removed.stdout, "changed since install wrote it");
  assertEquals(await h.read(LOCAL), undefined); // install created it and only ours was in it
});

Deno.test("install --uninstall keeps the slash command while the other settings file still runs our hooks", async () => {
  await using h = await installEnv();
  assertEquals((await h.install()).code, 0);
  assertEquals((await h.install(["--shared"])).code, 0);
  const removed = await h.install(["--uninstall"]);
  assertEquals(removed.code, 0);
  assertEquals(await h.read(LOCAL), undefined);
  assert((await h.read(SLASH)) !== undefined);
  assertStringIncludes(removed.stdout, `${SHARED} still runs our hooks`);
  assertEquals((await h.install(["--uninstall", "--shared"])).code, 0);
  assertEquals(await h.read(SLASH), undefined);
  assertEquals(await h.read(RECORD), undefined);
});

// ---------------------------------------------------------------------------
// Git's exclude file

Deno.test("install adds settings.local.json to git's info/exclude once, only when it creates the file", async () => {
  await using h = await installEnv();
  await git(h.workspace.root, "init", "-q");
  assertEquals((await h.install()).code, 0);
  assertEquals(await git(h.workspace.root, "check-ignore", LOCAL), LOCAL);
  const lines = () =>
    h.read(".git/info/exclude").then((text) => text!.split("\n").filter((line) => line === LOCAL));
  assertEquals((await lines()).length, 1);
  assertEquals((await h.install(["--uninstall"])).code, 0);
  assertEquals((await h.install()).code, 0);
  assertEquals((await lines()).length, 1);

  await using other = await installEnv();
  await git(other.workspace.root, "init", "-q");
  await other.write(LOCAL, json({ model: "opus" }));
  assertEquals((await other.install()).code, 0);
  assertEquals((await other.read(".git/info/exclude"))!.includes(LOCAL), false);
});

Deno.test("install outside a git repository touches no exclude file, not even the current directory's repository", async () => {
  await using h = await installEnv();
  await using cwd = await installEnv();
  await git(cwd.workspace.root, "init", "-q");
  const before = await snapshotFiles(`${cwd.workspace.root}/.git`);
  const result = await h.install([], { cwd: cwd.workspace.root });
  assertEquals(result.code, 0);
  assert(!result.stdout.includes("Git:"), result.stdout);
  assertEquals(await snapshotFiles(`${cwd.workspace.root}/.git`), before);
});

// ---------------------------------------------------------------------------
// Dry run, help, refusals

Deno.test("install --dry-run prints a diff per file and writes nothing (uninstall too)", async () => {
  await using h = await installEnv();
  await git(h.workspace.root, "init", "-q");
  await h.write(SHARED, json(FOREIGN));
  const before = await snapshotFiles(h.workspace.root);
  const dry = await h.install(["--dry-run"]);
  assertEquals(dry.code, 0, dry.stderr);
  assertEquals(await snapshotFiles(h.workspace.root), before);
  assertStringIncludes(dry.stdout, `+++ ${h.workspace.root}/${LOCAL}`);
  assertStringIncludes(
    dry.stdout,
    '+            "command": "agnes-sessions capture-session --push",',
  );
  assertStringIncludes(dry.stdout, `+++ ${h.workspace.root}/${SLASH}`);
  assertStringIncludes(dry.stdout, "+.claude/settings.local.json");
  assertStringIncludes(dry.stdout, `Would create ${LOCAL}: our hooks and status line\n`);
  assertStringIncludes(dry.stdout, "Dry run: nothing was written");

  assertEquals((await h.install()).code, 0);
  const installed = await snapshotFiles(h.workspace.root);
  const dryUninstall = await h.install(["--uninstall", "--dry-run"]);
  assertEquals(dryUninstall.code, 0);
  assertEquals(await snapshotFiles(h.workspace.root), installed);
  assertStringIncludes(dryUninstall.stdout, "+++ (removed)");
  assertStringIncludes(dryUninstall.stdout, `Would remove ${LOCAL}: install had created it`);
});

Deno.test("install --uninstall of a workspace where nothing is installed changes nothing and says so", async () => {
  await using h = await installEnv();
  const result = await h.install(["--uninstall"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(await h.workspace.hasStateDir(), false);
  assertStringIncludes(result.stdout, "Nothing to remove.");
  assertStringIncludes(result.stdout, 'run "agnes-sessions push" to upload them');
});

Deno.test("install --help shows usage, options with defaults and examples", async () => {
  const result = await runCli(["install", "--help"]);
  assertEquals(result.code, 0);
  for (
    const part of [
      "Usage: agnes-sessions install",
      "Options:",
      "--command STRING",
      "default: agnes-sessions",
      "--shared",
      "--statusline MODE",
      "--force",
      "--dry-run",
      "--uninstall",
      "Examples:",
    ]
  ) {
    assertStringIncludes(result.stdout, part);
  }
});

Deno.test("install refuses the home folder, whose .claude/ holds Claude Code's user settings", async () => {
  await using h = await installEnv();
  const result = await runCli(["install", "--workspace", h.home], {
    env: { ...h.env, CLAUDE_CONFIG_DIR: "" },
  });
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "user settings");
  assertEquals(await readIfExists(`${h.home}/.claude/settings.local.json`), undefined);
  assertEquals(await readIfExists(`${h.home}/.claude/commands/agnes-private.md`), undefined);
});

Deno.test("install refuses a workspace that does not exist, creating nothing", async () => {
  await using h = await installEnv();
  const missing = `${h.workspace.root}/missing`;
  const result = await runCli(["install", "--workspace", missing], { env: h.env });
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, `"${missing}"`);
  assertEquals(await readIfExists(`${missing}/.claude/settings.local.json`), undefined);
});
