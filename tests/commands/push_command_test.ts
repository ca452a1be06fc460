import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { readIfExists, runCli, STAMP, TEST_TOKEN } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";
import {
  acquireLock,
  addPrivateSession,
  AgnesClient,
  listSnapshots,
  push,
  readLockOwner,
} from "../../mod.ts";

Deno.test("push --help lists its options", async () => {
  const result = await runCli(["push", "--help"]);
  assertEquals(result.code, 0);
  for (
    const option of [
      "--dry-run",
      "--json",
      "--quiet",
      "--concurrency",
      "--server",
      "--workspace",
      "--retry-failed",
      "--detach",
      "--no-gzip",
      "--allow-path",
      "--allow-insecure",
    ]
  ) {
    assertStringIncludes(result.stdout, option);
  }
});

Deno.test("push --dry-run uploads nothing, leaves the queue, and shows private skips", async () => {
  await using s = await setup();
  const [a, b] = [await s.transcript("a"), await s.transcript("b")];
  await s.queue(["a", a], ["b", b]);
  await addPrivateSession(s.workspace, "b");
  const before = await Deno.readTextFile(s.workspace.file("queue"));
  const text = await s.cli(["--dry-run"]);
  assertEquals(text.code, 0);
  assertStringIncludes(text.stdout, "Dry run - would upload 1 session file");
  assertStringIncludes(text.stdout, `  ${a}`);
  assertStringIncludes(text.stdout, `Would skip 1 private session:\n  [b] ${b}`);
  assertStringIncludes(text.stdout, "No CLAUDE.local.md to upload");
  const json = JSON.parse((await s.cli(["--dry-run", "--json"])).stdout);
  assertEquals(json.dry_run, true);
  assertEquals(json.would_upload, { sessions: [a], local_md: null });
  assertEquals(json.would_skip_private, [{ session_id: "b", path: b }]);
  assertEquals(json.summary.sessions_count, 1);
  assertEquals(json.summary.private_skipped_count, 1);
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), before);
  assertEquals(s.seen, []);
  assertEquals(await listSnapshots(s.workspace), []);
});

Deno.test("push with the push lock held exits 0 with no output, no upload, queue untouched", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await s.queue(["s1", path]);
  await using _held = await acquireLock(s.workspace.file("pushLock"));
  for (const args of [[], ["--json"], ["--quiet"]]) {
    const result = await s.cli(args);
    assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  }
  using client = new AgnesClient({ server: s.receiver.url, token: TEST_TOKEN });
  assertEquals(await push({ workspace: s.workspace, client, allowedRoots: [s.projects] }), null);
  assertEquals(s.seen, []);
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), `s1\t${path}\n`);
});

Deno.test("push with a push lock that cannot be taken is just as silent", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await s.queue(["s1", path]);
  await Deno.mkdir(s.workspace.file("pushLock")); // not a lock file at all
  const result = await s.cli([]);
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), `s1\t${path}\n`);
});

Deno.test("push --json prints one compact object with the same keys on every path", async () => {
  await using s = await setup();
  const keys = [
    "sessions",
    "local_md",
    "errors",
    "private_skipped",
    "dropped_permanent",
    "requeued",
  ];
  const empty = await s.cli(["--json"]);
  const emptyReport = JSON.parse(empty.stdout);
  for (const key of keys) assert(key in emptyReport, key);
  const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((name) => s.transcript(name)));
  s.statuses.set("b.jsonl", 500).set("c.jsonl", 403);
  await s.queue(["a", a!], ["b", b!], ["c", c!], ["d", d!]);
  await addPrivateSession(s.workspace, "d");
  await Deno.writeTextFile(s.workspace.file("localMd"), "# notes\n");
  const result = await s.cli(["--json", "--concurrency", "1"]);
  assertEquals(result.stdout.trim().split("\n").length, 1);
  const report = JSON.parse(result.stdout);
  assertEquals(Object.keys(report).sort(), Object.keys(emptyReport).sort());
  assertEquals(
    [
      report.sessions,
      report.local_md,
      report.private_skipped,
      report.dropped_permanent,
      report.requeued,
    ],
    [1, true, 1, 1, 1],
  );
  assertEquals(report.errors, [{ file: b, status: 500 }, { file: c, status: 403 }]);
});

Deno.test("push --quiet prints only the warnings", async () => {
  await using s = await setup();
  const path = await s.transcript("q");
  s.statuses.set("q.jsonl", 400);
  await s.queue(["q", path]);
  const result = await s.cli(["--quiet"]);
  assertEquals(result.stdout, "");
  assertStringIncludes(result.stderr, `warn: ${path}: HTTP 400`);
});

Deno.test("push without a token exits 1 naming login (with --json, a report saying why it stopped); plain http to a remote host is refused", async () => {
  await using s = await setup();
  const { AGNES_TOKEN: _token, ...env } = s.env;
  const noToken = await runCli(["push", "--workspace", s.workspace.root], { env });
  assertEquals(noToken.code, 1);
  assertStringIncludes(noToken.stderr, "login");
  const json = await runCli(["push", "--json", "--workspace", s.workspace.root], { env });
  assertEquals(json.code, 1);
  const report = JSON.parse(json.stdout);
  assertEquals([report.sessions, report.local_md, report.errors], [0, false, []]);
  assertStringIncludes(report.stopped, "no token is configured");
  const pushed = JSON.parse((await s.cli(["--json"])).stdout);
  assertEquals(Object.keys(report), Object.keys(pushed));
  for (const server of ["http://agnes.example.com", "http://agnes.localhost:8000"]) {
    const insecure = await s.cli(["--server", server]);
    assertEquals(insecure.code, 1, server);
    assertStringIncludes(insecure.stderr, "--allow-insecure");
    assert(!insecure.stderr.includes(TEST_TOKEN));
  }
});

Deno.test("push --detach returns at once and the push finishes in the background", async () => {
  await using s = await setup();
  await s.queue(["bg", await s.transcript("bg")]);
  const result = await s.cli(["--detach"]);
  assertEquals([result.code, result.stdout], [0, ""]);
  for (let i = 0; i < 100 && !(await s.receiver.stored()).has("bg.jsonl"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert((await s.receiver.stored()).has("bg.jsonl"), "the detached push did not upload");
  for (
    let i = 0;
    i < 100 && (await readLockOwner(s.workspace.file("pushLock"))) !== undefined;
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50)); // let it release before cleanup
  }
});

Deno.test("push exits 1 when the server rejected the token (401), with the login warning, the sessions requeued and no success stamp", async () => {
  await using s = await setup();
  const path = await s.transcript("t1");
  await s.queue(["t1", path]);
  const text = await s.cli([], { AGNES_TOKEN: "wrong-token-000" });
  assertEquals(text.code, 1);
  assertStringIncludes(text.stdout, "Requeued 1 session for the next push");
  assertStringIncludes(
    text.stderr,
    `warn: ${path}: HTTP 401 from ${s.receiver.url}/api/upload/sessions: the server rejects the token; run "agnes-sessions login`,
  );
  assert(!text.stderr.includes("wrong-token-000"));
  const json = await s.cli(["--json"], { AGNES_TOKEN: "wrong-token-000" });
  assertEquals(json.code, 1);
  const report = JSON.parse(json.stdout);
  assertEquals([report.requeued, report.token_rejected, report.errors], [1, true, [{
    file: path,
    status: 401,
  }]]);
  assertEquals(json.stderr.trim().split("\n").length, 1); // the warning, nothing more
  assertEquals(await readIfExists(s.workspace.file("lastPushStamp")), undefined);
  assert((await Deno.readTextFile(s.workspace.file("queue"))).startsWith(`t1\t${path}\t`));
});

Deno.test("push exits 1 when only CLAUDE.local.md met a rejected token", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("localMd"), "# notes\n");
  const result = await s.cli([], { AGNES_TOKEN: "wrong-token-000" });
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "CLAUDE.local.md: HTTP 401");
});

Deno.test("push that finishes without a stop writes .claude/agnes-last-push.stamp, also with nothing to send", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  assertEquals((await s.cli([])).code, 0);
  assertMatch((await Deno.readTextFile(s.workspace.file("lastPushStamp"))).trim(), STAMP);
  const before = (await Deno.lstat(s.workspace.file("lastPushStamp"))).mtime!.getTime();
  await Deno.utime(s.workspace.file("lastPushStamp"), 0, 0);
  await s.queue(["u1", await s.transcript("u1")]);
  assertEquals((await s.cli(["--quiet"])).code, 0);
  const after = (await Deno.lstat(s.workspace.file("lastPushStamp"))).mtime!.getTime();
  assert(after >= before, `${after} < ${before}`);
  assert((await s.receiver.stored()).has("u1.jsonl"));
});

/** Runs `push` under a pseudo-terminal (util-linux `script`), as a person would. */
async function pushOnTerminal(
  s: Awaited<ReturnType<typeof setup>>,
  args: string[],
): Promise<string> {
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const command = [
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    cli,
    "push",
    "--workspace",
    s.workspace.root,
    ...args,
  ]
    .map((word) => `'${word}'`).join(" ");
  const output = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    env: s.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(output.stdout);
}

Deno.test("push on a terminal says another push is running, and shows progress for many uploads", async () => {
  await using s = await setup();
  for (let i = 0; i < 12; i++) await s.queue([`t${i}`, await s.transcript(`t${i}`)]);
  {
    await using _held = await acquireLock(s.workspace.file("pushLock"));
    assertStringIncludes(await pushOnTerminal(s, []), "another push is running");
  }
  const output = await pushOnTerminal(s, ["--concurrency", "1"]);
  assertStringIncludes(output, "Uploading 12/12");
  assertStringIncludes(output, "Uploaded 12 sessions");
  for (let i = 0; i < 12; i++) await s.queue([`u${i}`, await s.transcript(`u${i}`)]);
  const json = await pushOnTerminal(s, ["--json", "--concurrency", "1"]);
  assertStringIncludes(json, '"sessions":12');
  assert(!json.includes("Uploading"), "no progress under --json");
});

Deno.test("push refuses a private list, config.yaml or token.json that is not a small regular file, and uploads nothing", async () => {
  await using s = await setup();
  await s.queue(["s1", await s.transcript("s1")]);
  await Deno.symlink("/dev/zero", s.workspace.file("privateList"));
  const privacy = await s.cli([]);
  assertEquals(privacy.code, 1);
  assertStringIncludes(privacy.stderr, "Cannot read the private list");
  assertStringIncludes(privacy.stderr, "symbolic link");
  await Deno.remove(s.workspace.file("privateList"));
  const config = `${s.claudeDir}/agnes-config`;
  await Deno.mkdir(config, { recursive: true });
  await new Deno.Command("mkfifo", { args: [`${config}/token.json`] }).output();
  const { AGNES_TOKEN: _token, ...env } = s.env;
  const token = await runCli(["push", "--workspace", s.workspace.root], { env });
  assertEquals(token.code, 1);
  assertStringIncludes(token.stderr, `${config}/token.json`);
  await Deno.writeFile(`${config}/config.yaml`, new Uint8Array(1024 * 1024 + 1).fill(0x20));
  const { AGNES_SERVER: _server, ...noServer } = s.env;
  const yaml = await runCli(["push", "--workspace", s.workspace.root], { env: noServer });
  assertEquals(yaml.code, 1);
  assertStringIncludes(yaml.stderr, "larger than 1 MiB");
  assertEquals(s.seen, []);
  assertEquals((await readIfExists(s.workspace.file("queue")))?.startsWith("s1\t"), true);
});

Deno.test("push with a push lock that is a symbolic link ends at once, silent, following nothing (detached too)", async () => {
  await using s = await setup();
  const path = await s.transcript("s1");
  await s.queue(["s1", path]);
  const target = `${s.claudeDir}/precious.txt`;
  await Deno.writeTextFile(target, "keep me\n");
  await Deno.symlink(target, s.workspace.file("pushLock"));
  const result = await runCli(["push", "--workspace", s.workspace.root], {
    env: s.env,
    timeoutMs: 10_000,
  });
  assertEquals([result.code, result.stdout, result.stderr], [0, "", ""]);
  const detached = await runCli(["push", "--detach", "--workspace", s.workspace.root], {
    env: s.env,
    timeoutMs: 10_000,
  });
  assertEquals(detached.code, 0);
  assertEquals(await Deno.readTextFile(target), "keep me\n");
  assertEquals(await Deno.readTextFile(s.workspace.file("queue")), `s1\t${path}\n`);
  assertEquals(s.seen, []);
});

Deno.test("push whose uploaded log cannot be opened (a folder) exits 1 before any upload (with --json, a report saying why), keeps its snapshot, and the next push sends each transcript once", async () => {
  await using s = await setup();
  const [a, b] = [await s.transcript("a"), await s.transcript("b")];
  await s.queue(["a", a], ["b", b]);
  await Deno.mkdir(s.workspace.file("uploadedLog"));
  const refused = await s.cli([]);
  assertEquals(refused.code, 1);
  assertStringIncludes(
    refused.stderr,
    `Cannot open the uploaded log "${s.workspace.file("uploadedLog")}"`,
  );
  assertStringIncludes(refused.stderr, "nothing was uploaded");
  assertEquals(s.seen.length, 0, "nothing was sent");
  assertEquals((await listSnapshots(s.workspace)).length, 1);
  const json = await s.cli(["--json"]); // the same stop, as the report object --json promises
  assertEquals(json.code, 1);
  assertStringIncludes(JSON.parse(json.stdout).stopped, "Cannot open the uploaded log");
  assertEquals(JSON.parse(json.stdout).sessions, 0);
  await Deno.remove(s.workspace.file("uploadedLog"));
  const clean = await s.cli([]);
  assertEquals([clean.code, clean.stdout], [0, "Uploaded 2 sessions\n"]);
  assertEquals(s.seen.map(([name]) => name).sort(), ["a.jsonl", "b.jsonl"]);
  assertEquals(await listSnapshots(s.workspace), []);
});
