import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { runCli, TEST_TOKEN } from "../_helpers.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { plantStaleLock } from "../_lock_helpers.ts";
import { snapshotQueue } from "../../mod.ts";

/** `status` of the harness's workspace, as a person would run it. */
function status(s: Setup, args: string[] = [], env: Record<string, string> = {}) {
  return runCli(["status", "--workspace", s.workspace.root, ...args], {
    env: { ...s.env, ...env },
  });
}

/** A workspace wired into Claude Code, with a token the receiver takes. */
async function healthy(): Promise<Setup> {
  const s = await setup();
  const installed = await runCli(["install", "--workspace", s.workspace.root], { env: s.env });
  assertEquals(installed.code, 0, installed.stderr);
  return s;
}

Deno.test("status of a healthy workspace says all good and exits 0, never printing the token", async () => {
  await using s = await healthy();
  await s.queue(["s1", await s.transcript("s1")]);
  const result = await status(s);
  assertEquals(result.code, 0, result.stdout);
  assertStringIncludes(result.stdout, "1 waiting");
  assertStringIncludes(result.stdout, "token accepted");
  assertStringIncludes(result.stdout, "token from $AGNES_TOKEN");
  assertStringIncludes(result.stdout, "SessionStart yes (local)");
  assertStringIncludes(result.stdout, "All good.");
  assert(!result.stdout.includes(TEST_TOKEN) && !result.stderr.includes(TEST_TOKEN));
});

const PROBLEMS: [string, (s: Setup) => Promise<Record<string, string> | void>, string, string][] = [
  [
    "no token",
    () => Promise.resolve({ AGNES_TOKEN: "" }),
    "no token is configured",
    "agnes-sessions login",
  ],
  [
    "a server that is down",
    () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      listener.close(); // nothing listens there now
      return Promise.resolve({ AGNES_SERVER: `http://127.0.0.1:${listener.addr.port}` });
    },
    "the server does not answer: connection refused",
    "check the server URL",
  ],
  [
    "a rejected token",
    () => Promise.resolve({ AGNES_TOKEN: "expired" }),
    "rejects the token (from $AGNES_TOKEN)",
    "login --server",
  ],
  [
    "a push that died",
    async (s) => {
      await s.queue(["s1", await s.transcript("s1")]);
      const snapshot = (await snapshotQueue(s.workspace))!;
      const old = new Date(Date.now() - 3600_000);
      await Deno.utime(snapshot, old, old);
    },
    "a push stopped before it finished",
    'run "agnes-sessions push" to finish it',
  ],
  [
    "given-up sessions",
    async (s) => {
      await Deno.writeTextFile(
        s.workspace.file("failedLog"),
        "2026-01-01T00:00:00Z\ts\t403\t/t/s.jsonl\n",
      );
    },
    "1 session given up",
    "push --retry-failed",
  ],
  [
    "a lock path that is a link",
    async (s) => {
      await Deno.symlink("/nowhere", s.workspace.file("queueLock"));
    },
    "is not a lock file: it is a symbolic link",
    "remove .claude/agnes-queue.lock",
  ],
];

for (const [name, make, problem, fix] of PROBLEMS) {
  Deno.test(`status with ${name} names the problem and what to do, and exits 1`, async () => {
    await using s = await healthy();
    const env = (await make(s)) ?? {};
    const result = await status(s, [], env);
    assertEquals(result.code, 1, result.stdout);
    assertStringIncludes(result.stdout, problem);
    assertStringIncludes(result.stdout, fix);
  });
}

Deno.test("status without hooks in Claude Code says to run install, and exits 1", async () => {
  await using s = await setup();
  const result = await status(s, ["--offline"]);
  assertEquals(result.code, 1);
  assertStringIncludes(result.stdout, 'run "agnes-sessions install" in this workspace');
});

Deno.test("status shows a lock a dead holder left as free, with its last owner, and it is no problem", async () => {
  await using s = await healthy();
  await plantStaleLock(s.workspace.file("pushLock"));
  const result = await status(s, ["--json"]);
  assertEquals(result.code, 0, result.stdout);
  const report = JSON.parse(result.stdout);
  assertEquals(report.locks.push.state, "free");
  assertEquals(report.locks.push.last_owner.pid, 999_999);
});

Deno.test("status --json has the same keys whether healthy or not", async () => {
  await using s = await healthy();
  const keys = (value: unknown, prefix = ""): string[] =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.entries(value).flatMap((
        [key, item],
      ) => [prefix + key, ...keys(item, `${prefix + key}.`)])
      : [];
  const good = JSON.parse((await status(s, ["--json"])).stdout);
  const bad = JSON.parse((await status(s, ["--json", "--offline"], { AGNES_TOKEN: "" })).stdout);
  assertEquals([good.healthy, bad.healthy], [true, false]);
  const stable = (report: unknown) =>
    keys(report).filter((key) => !/^(captures\.outcomes|locks\.\w+)\./.test(key)).sort();
  assertEquals(stable(good), stable(bad));
});

Deno.test("status shows the last successful push, the last catch-up, and a capture from the environment as ok_from_env without a problem", async () => {
  await using s = await healthy();
  const before = await status(s);
  assertStringIncludes(before.stdout, "last successful none recorded");
  assertEquals((await s.cli(["--quiet"])).code, 0);
  const claudeProject = await Deno.makeTempDir({ prefix: "agnes-project-" });
  try {
    const captured = await runCli(["capture-session", "--workspace", s.workspace.root], {
      stdin: "",
      env: { ...s.env, CLAUDE_CODE_SESSION_ID: "env-1", CLAUDE_PROJECT_DIR: claudeProject },
    });
    assertEquals(captured.code, 0);
  } finally {
    await Deno.remove(claudeProject, { recursive: true });
  }
  await Deno.writeTextFile(s.workspace.file("catchUpStamp"), "");
  const result = await status(s);
  assertEquals(result.code, 0, result.stdout);
  assert(
    /Pushes +last successful \d{4}-\d\d-\d\dT[\d:]+Z; last catch-up started \d{4}/.test(
      result.stdout,
    ),
    result.stdout,
  );
  assertStringIncludes(result.stdout, "1 ok_from_env; last ");
  assertStringIncludes(result.stdout, "All good.");
  const json = JSON.parse((await status(s, ["--json"])).stdout);
  assertEquals(typeof json.pushes.last_success, "string");
  assertEquals(json.captures.outcomes, { ok_from_env: 1 });
});
