import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import {
  CLI,
  readIfExists,
  readRows,
  runCli,
  runScript,
  spawnCli,
  STAMP,
  tempWorkspace,
} from "../_helpers.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { acquireLock, addPrivateSession, readLockOwner } from "../../mod.ts";
import { encodeProjectFolder } from "../../lib/claude/transcripts.ts";

/** No session in the environment: the payload alone decides (blank counts as missing). */
const NO_SESSION_ENV = { CLAUDE_CODE_SESSION_ID: "", CLAUDE_SESSION_ID: "" };

/** Runs capture-session in `root` with `stdin`; returns the process result. */
function capture(root: string, stdin: string, extra: string[] = []) {
  return runCli(["capture-session", "--workspace", root, ...extra], { stdin, env: NO_SESSION_ENV });
}

/** The last capture-log row's outcome and detail. */
async function lastCaptureLogRow(path: string): Promise<[string, string]> {
  const rows = await readRows(path);
  const last = rows.at(-1)!;
  assertMatch(last[0]!, STAMP);
  return [last[1]!, last.slice(2).join("\t")];
}

const valid = (id: unknown, path: unknown = "/home/me/.claude/projects/-w/s1.jsonl") =>
  JSON.stringify({ session_id: id, transcript_path: path, hook_event_name: "SessionStart" });

Deno.test("capture-session queues a valid payload, exits 0 silently and leaves an ok capture-log row", async () => {
  await using workspace = await tempWorkspace();
  const result = await capture(workspace.root, valid("s1"));
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "s1\t/home/me/.claude/projects/-w/s1.jsonl\n",
  );
  assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], "ok");
});

Deno.test("capture-session of the same payload twice gives two rows (dedup happens on read)", async () => {
  await using workspace = await tempWorkspace();
  await capture(workspace.root, valid("s1"));
  await capture(workspace.root, valid("s1"));
  assertEquals((await Deno.readTextFile(workspace.file("queue"))).split("\n").length, 3);
});

Deno.test("capture-session queues a missing or non-string session id as an empty id", async () => {
  await using workspace = await tempWorkspace();
  await capture(workspace.root, JSON.stringify({ transcript_path: "/t/a.jsonl" }));
  await capture(workspace.root, valid(42, "/t/b.jsonl"));
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "\t/t/a.jsonl\n\t/t/b.jsonl\n");
});

const rejected: [string, string, string][] = [
  ["empty stdin", "", "empty_stdin"],
  ["whitespace stdin", "  \n", "empty_stdin"],
  ["invalid JSON", "{not json", "bad_json"],
  ["an array", "[1,2]", "not_object"],
  ["a string", '"text"', "not_object"],
  ["null", "null", "not_object"],
  ["no transcript_path", JSON.stringify({ session_id: "s" }), "no_transcript_path"],
  ["an empty transcript_path", valid("s", ""), "no_transcript_path"],
  ["a non-string transcript_path", valid("s", 7), "no_transcript_path"],
  ["a relative path", valid("s", "rel/s.jsonl"), "invalid_path"],
  ["a path with a TAB", valid("s", "/t/a\tb.jsonl"), "invalid_path"],
  ["a path with a newline", valid("s", "/t/a\nb.jsonl"), "invalid_path"],
  ["a path with NUL", valid("s", "/t/a\0b.jsonl"), "invalid_path"],
  ["a path over 4096 bytes", valid("s", "/" + "é".repeat(2100)), "invalid_path"],
];

for (const [name, stdin, outcome] of rejected) {
  Deno.test(`capture: ${name} → ${outcome}, nothing queued, a capture-log row, exit 0`, async () => {
    await using workspace = await tempWorkspace();
    await workspace.ensureStateDir();
    const result = await capture(workspace.root, stdin);
    assertEquals([result.code, result.stdout], [0, ""]);
    assertEquals(await readIfExists(workspace.file("queue")), undefined);
    assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], outcome);
  });

  Deno.test(`capture: ${name} creates no .claude/ in a folder that has none`, async () => {
    await using workspace = await tempWorkspace();
    const result = await capture(workspace.root, stdin);
    assertEquals(result.code, 0);
    assertEquals(await workspace.hasStateDir(), false);
  });
}

Deno.test("capture-session does not queue an already-private id (private_skip)", async () => {
  await using workspace = await tempWorkspace();
  await addPrivateSession(workspace, "secret");
  await capture(workspace.root, valid("secret"));
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
  assertEquals(await lastCaptureLogRow(workspace.file("captureLog")), ["private_skip", "secret"]);
});

Deno.test("capture-session checks a session id over 1 KiB against the private list, then queues the transcript without it", async () => {
  await using workspace = await tempWorkspace();
  const [long, secret] = ["x".repeat(70_000), "y".repeat(2_000)];
  await addPrivateSession(workspace, secret);
  await capture(workspace.root, valid(secret));
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
  const result = await capture(workspace.root, valid(long));
  assertEquals(result.code, 0);
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "\t/home/me/.claude/projects/-w/s1.jsonl\n",
  );
  assertEquals(await lastCaptureLogRow(workspace.file("captureLog")), [
    "ok",
    " /home/me/.claude/projects/-w/s1.jsonl (session_id over 1024 bytes dropped)",
  ]);
});

Deno.test("capture-session is not stopped by an unrelated private id", async () => {
  await using workspace = await tempWorkspace();
  await addPrivateSession(workspace, "other");
  await capture(workspace.root, valid("s1"));
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "s1\t/home/me/.claude/projects/-w/s1.jsonl\n",
  );
});

Deno.test("capture-session gives stdin_read_error when stdin never closes, after about 2 s, exit 0", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const child = spawnCli(["capture-session", "--workspace", workspace.root], { stdin: "piped" });
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode('{"session_id": "s'));
  const { code } = await child.status; // stdin is still open
  await writer.close();
  assertEquals(code, 0);
  const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
  assertEquals(outcome, "stdin_read_error");
  assert(detail.includes("2000 ms"), detail);
});

Deno.test("capture-session gives stdin_read_error for input over 1 MiB", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const big = JSON.stringify({ transcript_path: "/t/a.jsonl", pad: "x".repeat(1024 * 1024) });
  assertEquals((await capture(workspace.root, big)).code, 0);
  assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], "stdin_read_error");
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
});

Deno.test("capture-session gives lock_timeout after about 1 s when the queue lock is held, exit 0", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await using _held = await acquireLock(workspace.file("queueLock"));
  const started = performance.now();
  const result = await capture(workspace.root, valid("s1"));
  const elapsed = performance.now() - started;
  assertEquals(result.code, 0);
  assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], "lock_timeout");
  assert(elapsed >= 1_000, `gave up after ${elapsed} ms`);
});

Deno.test("capture-session gives write_error for an unwritable queue, exit 0", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.mkdir(workspace.file("queue")); // a folder where the queue should be
  assertEquals((await capture(workspace.root, valid("s1"))).code, 0);
  assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], "write_error");
});

Deno.test("capture-session --verbose explains on stderr with stdout empty; unknown options never fail", async () => {
  await using workspace = await tempWorkspace();
  const verbose = await capture(workspace.root, valid("s1"), ["--verbose"]);
  assertEquals([verbose.code, verbose.stdout], [0, ""]);
  assert(verbose.stderr.includes("ok"), verbose.stderr);
  const unknown = await capture(workspace.root, valid("s2"), ["--from-the-future"]);
  assertEquals([unknown.code, unknown.stdout], [0, ""]);
  assert((await Deno.readTextFile(workspace.file("queue"))).includes("s2\t"));
});

Deno.test("capture-session takes the workspace from $AGNES_LOCAL_DIR, then $CLAUDE_PROJECT_DIR", async () => {
  await using first = await tempWorkspace();
  await using second = await tempWorkspace();
  await runCli(["capture-session"], {
    stdin: valid("a"),
    env: { CLAUDE_PROJECT_DIR: second.root },
  });
  await runCli(["capture-session"], {
    stdin: valid("b"),
    env: { AGNES_LOCAL_DIR: first.root, CLAUDE_PROJECT_DIR: second.root },
  });
  assert((await Deno.readTextFile(second.file("queue"))).startsWith("a\t"));
  assert((await Deno.readTextFile(first.file("queue"))).startsWith("b\t"));
});

Deno.test("capture-session restarts the capture log past 256 KiB and cuts details to 200", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await Deno.writeTextFile(workspace.file("captureLog"), "x".repeat(300 * 1024) + "\n");
  await capture(workspace.root, "{" + "bad".repeat(200));
  const rows = await readRows(workspace.file("captureLog"));
  assertEquals(rows.length, 1);
  assertEquals(rows[0]![1], "bad_json");
  assert(rows[0]![2]!.length <= 200);
});

for (
  const [kind, make] of [
    ["a FIFO", (path: string) => new Deno.Command("mkfifo", { args: [path] }).output()],
    ["a link to /dev/zero", (path: string) => Deno.symlink("/dev/zero", path)],
  ] as const
) {
  Deno.test(`capture-session queues the session when the private list is ${kind}, without reading it`, async () => {
    await using workspace = await tempWorkspace();
    await workspace.ensureStateDir();
    await make(workspace.file("privateList"));
    const result = await capture(workspace.root, valid("s1"));
    assertEquals([result.code, result.stdout], [0, ""]);
    assertEquals(
      await Deno.readTextFile(workspace.file("queue")),
      "s1\t/home/me/.claude/projects/-w/s1.jsonl\n",
    );
    const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
    assertEquals(outcome, "ok");
    assert(detail.includes("private list unreadable"), detail);
  });
}

Deno.test("capture-session gives lock_timeout within its budget, exit 0, when the queue lock is a link, a folder or a FIFO", async () => {
  for (
    const make of [
      (path: string) => Deno.symlink("/nowhere/at/all", path),
      (path: string) => Deno.mkdir(path),
      (path: string) => new Deno.Command("mkfifo", { args: [path] }).output(),
    ]
  ) {
    await using workspace = await tempWorkspace();
    await workspace.ensureStateDir();
    await make(workspace.file("queueLock"));
    const result = await runCli(["capture-session", "--workspace", workspace.root], {
      stdin: valid("s1"),
      timeoutMs: 10_000, // it used to spin forever
    });
    assertEquals([result.code, result.stdout], [0, ""]);
    const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
    assertEquals(outcome, "lock_timeout");
    assert(/not a lock file|not a regular file/.test(detail), detail);
    assertEquals(await readIfExists(workspace.file("queue")), undefined);
  }
});

/** Waits (at most 20 s) until `ready` answers true. */
async function waitFor(ready: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (await ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

Deno.test("capture-session --push queues, returns at once printing nothing, and a detached push uploads the session", async () => {
  await using s = await setup();
  const path = await s.transcript("p1");
  const result = await runCli(["capture-session", "--push", "--workspace", s.workspace.root], {
    stdin: valid("p1", path),
    env: s.env,
  });
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  const [outcome, detail] = await lastCaptureLogRow(s.workspace.file("captureLog"));
  assertEquals(outcome, "ok");
  assert(detail.includes("push started"), detail);
  assert(await waitFor(async () => (await s.receiver.stored()).has("p1.jsonl")), "not uploaded");
  assert(
    await waitFor(async () => (await readLockOwner(s.workspace.file("pushLock"))) === undefined),
  );
});

Deno.test("capture-session --push starts the push even for a payload it cannot queue (earlier sessions are waiting)", async () => {
  await using s = await setup();
  await s.queue(["earlier", await s.transcript("earlier")]);
  const result = await runCli(["capture-session", "--push", "--workspace", s.workspace.root], {
    stdin: "{not json",
    env: s.env,
  });
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  assertEquals((await lastCaptureLogRow(s.workspace.file("captureLog")))[0], "bad_json");
  assert(await waitFor(async () => (await s.receiver.stored()).has("earlier.jsonl")));
  assert(
    await waitFor(async () => (await readLockOwner(s.workspace.file("pushLock"))) === undefined),
  );
});

Deno.test("capture-session --push exits 0 silently when the push cannot start, and says why in the capture log", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const result = await runScript(
    CLI,
    ["capture-session", "--push", "--workspace", workspace.root],
    {
      stdin: valid("s1"),
      flags: ["--allow-read", "--allow-write", "--allow-env"], // no --allow-run: spawning fails
    },
  );
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  assert((await Deno.readTextFile(workspace.file("queue"))).startsWith("s1\t"));
  const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
  assertEquals(outcome, "ok");
  assert(detail.includes("push not started"), detail);
});

/** A Claude config folder and a project folder, as Claude Code gives them to a hook. */
async function claudeEnvironment(sessionId: string) {
  const claudeDir = await Deno.makeTempDir({ prefix: "agnes-claude-" });
  const projectDir = await Deno.makeTempDir({ prefix: "agnes-project-" });
  const env = {
    CLAUDE_CONFIG_DIR: claudeDir,
    CLAUDE_PROJECT_DIR: projectDir,
    CLAUDE_CODE_SESSION_ID: sessionId,
    CLAUDE_SESSION_ID: "",
  };
  const transcript = `${claudeDir}/projects/${encodeProjectFolder(projectDir)}/${sessionId}.jsonl`;
  return {
    env,
    transcript,
    async [Symbol.asyncDispose]() {
      await Deno.remove(claudeDir, { recursive: true });
      await Deno.remove(projectDir, { recursive: true });
    },
  };
}

for (
  const [name, stdin, payloadOutcome] of [
    ["empty stdin", "", "empty_stdin"],
    ["invalid JSON", "{not json", "bad_json"],
    ["an array", "[1]", "not_object"],
    [
      "no transcript_path (its session_id is not used)",
      '{"session_id":"other"}',
      "no_transcript_path",
    ],
  ] as const
) {
  Deno.test(`capture-session with ${name} queues the session the environment names (ok_from_env)`, async () => {
    await using workspace = await tempWorkspace();
    await using claude = await claudeEnvironment("5e55-10n");
    const result = await runCli(["capture-session", "--workspace", workspace.root], {
      stdin,
      env: claude.env,
    });
    assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
    assertEquals(
      await Deno.readTextFile(workspace.file("queue")),
      `5e55-10n\t${claude.transcript}\n`,
    );
    const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
    assertEquals(outcome, "ok_from_env");
    assert(detail.startsWith(`payload ${payloadOutcome}, from the environment: `), detail);
  });
}

Deno.test("capture-session takes the id from $CLAUDE_SESSION_ID when $CLAUDE_CODE_SESSION_ID is blank, even for an unreadable stdin", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await using claude = await claudeEnvironment("unused");
  const env = { ...claude.env, CLAUDE_CODE_SESSION_ID: " ", CLAUDE_SESSION_ID: "older-id" };
  const big = "x".repeat(1024 * 1024 + 1); // over the bound: stdin_read_error
  await runCli(["capture-session", "--workspace", workspace.root], { stdin: big, env });
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    `older-id\t${claude.transcript.replace("unused.jsonl", "older-id.jsonl")}\n`,
  );
  const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
  assertEquals(outcome, "ok_from_env");
  assert(detail.startsWith("payload stdin_read_error"), detail);
});

Deno.test("capture-session prefers a usable payload to the environment, and never falls back for an invalid path", async () => {
  await using workspace = await tempWorkspace();
  await using claude = await claudeEnvironment("from-env");
  const cli = (stdin: string) =>
    runCli(["capture-session", "--workspace", workspace.root], { stdin, env: claude.env });
  await cli(valid("from-payload", "/t/from-payload.jsonl"));
  assertEquals(
    await Deno.readTextFile(workspace.file("queue")),
    "from-payload\t/t/from-payload.jsonl\n",
  );
  assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], "ok");
  await cli(valid("from-payload", "relative.jsonl"));
  assertEquals((await lastCaptureLogRow(workspace.file("captureLog")))[0], "invalid_path");
  assertEquals((await Deno.readTextFile(workspace.file("queue"))).split("\n").length, 2);
});

Deno.test("capture-session refuses an environment session id that is no file name, and says so", async () => {
  for (const id of ["../../etc/passwd", "a/b", "a\\b", "..", ".hidden", "a\tb", "x".repeat(200)]) {
    await using workspace = await tempWorkspace();
    await workspace.ensureStateDir();
    await using claude = await claudeEnvironment("placeholder");
    const result = await runCli(["capture-session", "--workspace", workspace.root], {
      stdin: "",
      env: { ...claude.env, CLAUDE_CODE_SESSION_ID: id },
    });
    assertEquals(result.code, 0);
    assertEquals(await readIfExists(workspace.file("queue")), undefined, id);
    const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
    assertEquals(outcome, "empty_stdin");
    assertStringIncludes(detail, "environment unused: CLAUDE_CODE_SESSION_ID is not a session id");
  }
});

Deno.test("capture-session without CLAUDE_PROJECT_DIR keeps the payload's outcome and says why", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await using claude = await claudeEnvironment("s-1");
  await runCli(["capture-session", "--workspace", workspace.root], {
    stdin: "{not json",
    env: { ...claude.env, CLAUDE_PROJECT_DIR: "" },
  });
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
  const [outcome, detail] = await lastCaptureLogRow(workspace.file("captureLog"));
  assertEquals(outcome, "bad_json");
  assertStringIncludes(detail, "environment unused: no CLAUDE_PROJECT_DIR");
});

Deno.test("capture-session never queues a private session the environment names (private_skip)", async () => {
  await using workspace = await tempWorkspace();
  await using claude = await claudeEnvironment("hush");
  await addPrivateSession(workspace, "hush");
  await runCli(["capture-session", "--workspace", workspace.root], { stdin: "", env: claude.env });
  assertEquals(await readIfExists(workspace.file("queue")), undefined);
  assertEquals(await lastCaptureLogRow(workspace.file("captureLog")), [
    "private_skip",
    "payload empty_stdin, from the environment: hush",
  ]);
});

/** Sets the modification time of `path` to `ms` ago. */
function age(path: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  return Deno.utime(path, then, then);
}

const HOUR = 3600_000;

/**
 * Work that waits for a catch-up: a queued transcript `name` whose queue is
 * older (by an hour) than the last successful push.
 */
async function queueOlderThanLastPush(s: Setup, name: string): Promise<void> {
  await s.queue([name, await s.transcript(name)]);
  await Deno.writeTextFile(s.workspace.file("lastPushStamp"), "");
  await age(s.workspace.file("queue"), 2 * HOUR);
  await age(s.workspace.file("lastPushStamp"), HOUR);
}

/** Waits until the push a hook started has finished: lock free and the success stamp newer than `since`. */
async function pushFinished(
  workspace: { file(name: "pushLock" | "lastPushStamp"): string },
  since: number,
) {
  return await waitFor(async () => {
    const stamp = await Deno.lstat(workspace.file("lastPushStamp")).catch(() => undefined);
    return (stamp?.mtime?.getTime() ?? 0) > since &&
      (await readLockOwner(workspace.file("pushLock"))) === undefined;
  });
}

Deno.test("capture-session at SessionStart with a queue older than the last push starts a push that uploads it; a second SessionStart within the hour starts none", async () => {
  await using s = await setup();
  await queueOlderThanLastPush(s, "old");
  const started = Date.now() - 1000;
  const first = await runCli(["capture-session", "--workspace", s.workspace.root], {
    stdin: valid("new", `${s.projects}/-w/new.jsonl`), // not written yet: it stays queued
    env: s.env,
  });
  assertEquals([first.code, first.stdout, first.stderr], [0, "", ""]);
  const [outcome, detail] = await lastCaptureLogRow(s.workspace.file("captureLog"));
  assertEquals(outcome, "ok");
  assertStringIncludes(detail, "catch-up push started");
  assertStringIncludes(detail, "the queue is older than the last push");
  assert(await waitFor(async () => (await s.receiver.stored()).has("old.jsonl")), "not uploaded");
  assert(await pushFinished(s.workspace, started), "the catch-up push did not finish");
  const catchUp = (await Deno.lstat(s.workspace.file("catchUpStamp"))).mtime!.getTime();
  assert((await Deno.readTextFile(s.workspace.file("queue"))).startsWith("new\t"));
  // The push requeued "new" (no transcript yet): work waits again, but the hour is not over.
  const second = await runCli(["capture-session", "--workspace", s.workspace.root], {
    stdin: valid("newer", `${s.projects}/-w/newer.jsonl`),
    env: s.env,
  });
  assertEquals([second.code, second.stdout, second.stderr], [0, "", ""]);
  const [, secondDetail] = await lastCaptureLogRow(s.workspace.file("captureLog"));
  assert(!secondDetail.includes("push"), secondDetail);
  assertEquals((await Deno.lstat(s.workspace.file("catchUpStamp"))).mtime!.getTime(), catchUp);
});

Deno.test("capture-session at SessionStart starts no push when nothing waits: only its own row newer than the last push, or nothing pushed and no transcripts", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("lastPushStamp"), "");
  await age(s.workspace.file("lastPushStamp"), 10 * 60_000);
  await s.queue(["after", await s.transcript("after")]); // captured after the last push
  const cli = (stdin: string) =>
    runCli(["capture-session", "--workspace", s.workspace.root], { stdin, env: s.env });
  await cli(valid("s1", `${s.projects}/-w/s1.jsonl`));
  assert(!(await lastCaptureLogRow(s.workspace.file("captureLog")))[1].includes("push"));
  await Deno.remove(s.workspace.file("lastPushStamp")); // never pushed; no transcripts of this workspace
  await cli(valid("s2", `${s.projects}/-w/s2.jsonl`));
  assert(!(await lastCaptureLogRow(s.workspace.file("captureLog")))[1].includes("push"));
  assertEquals(await readIfExists(s.workspace.file("catchUpStamp")), undefined);
});

Deno.test("capture-session catches up only at SessionStart: a SessionEnd payload without --push starts nothing, with --push only the push", async () => {
  await using s = await setup();
  await queueOlderThanLastPush(s, "q");
  const sessionEnd = JSON.stringify({
    session_id: "e1",
    transcript_path: `${s.projects}/-w/e1.jsonl`,
    hook_event_name: "SessionEnd",
  });
  await runCli(["capture-session", "--workspace", s.workspace.root], {
    stdin: sessionEnd,
    env: s.env,
  });
  assert(!(await lastCaptureLogRow(s.workspace.file("captureLog")))[1].includes("push"));
  assertEquals(await readIfExists(s.workspace.file("catchUpStamp")), undefined);
  const started = Date.now() - 1000;
  await runCli(["capture-session", "--push", "--workspace", s.workspace.root], {
    stdin: valid("s1", `${s.projects}/-w/s1.jsonl`),
    env: s.env,
  });
  const [, detail] = await lastCaptureLogRow(s.workspace.file("captureLog"));
  assert(detail.includes("push started") && !detail.includes("catch-up"), detail);
  assertEquals(await readIfExists(s.workspace.file("catchUpStamp")), undefined);
  assert(await pushFinished(s.workspace, started), "the push did not finish");
});

Deno.test("capture-session with empty stdin at SessionStart, no push for 24 h and transcripts in the projects folder: queues from the environment and a push --scan uploads the lost session", async () => {
  await using s = await setup();
  const folder = `${s.projects}/${encodeProjectFolder(s.workspace.root)}`;
  await Deno.mkdir(folder);
  const cwd = JSON.stringify({ cwd: s.workspace.root, type: "user" });
  await Deno.writeTextFile(`${folder}/lost.jsonl`, `${cwd}\n`);
  await Deno.writeTextFile(`${folder}/now.jsonl`, `${cwd}\n`);
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("lastPushStamp"), "");
  await age(s.workspace.file("lastPushStamp"), 25 * HOUR);
  const started = Date.now() - 1000;
  const result = await runCli(["capture-session", "--workspace", s.workspace.root], {
    stdin: "",
    env: { ...s.env, CLAUDE_CODE_SESSION_ID: "now", CLAUDE_PROJECT_DIR: s.workspace.root },
  });
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  const [outcome, detail] = await lastCaptureLogRow(s.workspace.file("captureLog"));
  assertEquals(outcome, "ok_from_env");
  assertStringIncludes(detail, "catch-up push started");
  assert(
    await waitFor(async () => {
      const stored = await s.receiver.stored();
      return stored.has("lost.jsonl") && stored.has("now.jsonl");
    }),
    "not uploaded",
  );
  assert(await pushFinished(s.workspace, started), "the catch-up push did not finish");
});

Deno.test("capture-session does not catch up when a session is resumed or compacted: its transcript exists and may still be marked private", async () => {
  await using s = await setup();
  await queueOlderThanLastPush(s, "q");
  for (const source of ["resume", "compact"]) {
    const path = await s.transcript(`r-${source}`);
    const payload = JSON.stringify({
      session_id: `r-${source}`,
      transcript_path: path,
      hook_event_name: "SessionStart",
      source,
    });
    await runCli(["capture-session", "--workspace", s.workspace.root], {
      stdin: payload,
      env: s.env,
    });
    const [outcome, detail] = await lastCaptureLogRow(s.workspace.file("captureLog"));
    assertEquals(outcome, "ok");
    assert(!detail.includes("catch-up"), detail);
    assertEquals(await readIfExists(s.workspace.file("catchUpStamp")), undefined);
  }
  // The same work waiting (the queue as old as before the two captures), a new session: it runs.
  await age(s.workspace.file("queue"), 2 * HOUR);
  const started = Date.now() - 1000;
  const startup = JSON.stringify({
    session_id: "n1",
    transcript_path: `${s.projects}/-w/n1.jsonl`,
    hook_event_name: "SessionStart",
    source: "startup",
  });
  await runCli(["capture-session", "--workspace", s.workspace.root], {
    stdin: startup,
    env: s.env,
  });
  assertStringIncludes(
    (await lastCaptureLogRow(s.workspace.file("captureLog")))[1],
    "catch-up push started",
  );
  assert(await pushFinished(s.workspace, started), "the catch-up push did not finish");
});
