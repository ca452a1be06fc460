import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { readIfExists, readRows, runCli, spawnCli, TEST_TOKEN } from "./_helpers.ts";
import { pushToUnreachable, setup } from "./_push_setup.ts";
import { acquireLock, addPrivateSession, readPrivateList } from "../mod.ts";

const JWT =
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

Deno.test("push: private entries are skipped and logged, not requeued; only the public one uploads", async () => {
  await using s = await setup();
  const [secret, open] = [await s.transcript("secret"), await s.transcript("open")];
  await s.queue(["secret", secret], ["open", open]);
  await addPrivateSession(s.workspace, "secret");
  const result = await s.cli([]);
  assertEquals(
    result.stdout,
    [
      "Uploaded 1 sessions",
      "Skipped 1 private session(s) (see .claude/agnes-sessions-private-skipped.txt)",
      "",
    ].join("\n"),
  );
  assertEquals([...(await s.receiver.stored()).keys()], ["open.jsonl"]);
  assertEquals((await readRows(s.workspace.file("privateSkippedLog")))[0]!.slice(1), [
    "secret",
    secret,
  ]);
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
});

Deno.test("push --json: one compact object with the same keys on every path", async () => {
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
  await Deno.writeTextFile(`${s.workspace.root}/CLAUDE.local.md`, "# notes\n");
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

Deno.test("privacy end to end: captured, then marked → filtered at push; others upload", async () => {
  await using s = await setup();
  const env = { ...s.env, AGNES_LOCAL_DIR: s.workspace.root };
  for (const id of ["later-private", "public"]) {
    const path = await s.transcript(id);
    const stdin = JSON.stringify({ session_id: id, transcript_path: path });
    await runCli(["capture-session"], { stdin, env });
  }
  await runCli(["mark-private"], { env: { ...env, CLAUDE_CODE_SESSION_ID: "later-private" } });
  const result = await runCli(["push"], { env });
  assertEquals(result.code, 0);
  assertEquals([...(await s.receiver.stored()).keys()], ["public.jsonl"]);
  assertEquals(await readPrivateList(s.workspace), new Set(["later-private"]));
});

Deno.test("push: CLAUDE.local.md is uploaded (redacted), and not again while unchanged", async () => {
  await using s = await setup();
  const local = `${s.workspace.root}/CLAUDE.local.md`;
  await Deno.writeTextFile(local, `# notes\ntoken: ${JWT}\n`);
  const first = await s.cli([]);
  assertEquals(first.stdout, "Uploaded 0 sessions\nUploaded CLAUDE.local.md\n");
  const stored = `${s.receiver.dataDir}/local_md/analyst/CLAUDE.local.md`;
  assertEquals(await Deno.readTextFile(stored), "# notes\ntoken: [REDACTED-JWT]\n");
  assertEquals((await s.cli([])).stdout, "Uploaded 0 sessions\n");
  await Deno.writeTextFile(local, "# changed\n");
  assertEquals((await s.cli([])).stdout, "Uploaded 0 sessions\nUploaded CLAUDE.local.md\n");
});

Deno.test("push: JWTs are redacted at the byte level; invalid UTF-8 elsewhere is kept exactly", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/jwt.jsonl`;
  const encoder = new TextEncoder();
  for (const [round, args] of [[], ["--no-gzip"]].entries()) {
    const line = (token: string) => encoder.encode(` {"auth":"Bearer ${token}","round":${round}} `);
    await Deno.writeFile(path, new Uint8Array([0xff, 0xfe, ...line(JWT), 0xc3, 0x0a]));
    await s.queue(["jwt", path]);
    await s.cli(args);
    const stored = (await s.receiver.stored()).get("jwt.jsonl")!;
    assertEquals(
      stored,
      new Uint8Array([0xff, 0xfe, ...line("[REDACTED-JWT]"), 0xc3, 0x0a]),
      args.join(" "),
    );
  }
  assertEquals(s.seen.map(([, gzip]) => gzip), [true, false]);
});

Deno.test("push: gzip when the server advertises it, never with --no-gzip or AGNES_PUSH_NO_GZIP=1", async () => {
  await using s = await setup();
  const path = await s.transcript("g");
  for (
    const [args, env, expected] of [
      [[], {}, true],
      [["--no-gzip"], {}, false],
      [[], { AGNES_PUSH_NO_GZIP: "1" }, false],
    ] as const
  ) {
    await Deno.writeTextFile(path, "more\n", { append: true });
    await s.queue(["g", path]);
    await s.cli([...args], { ...env });
    assertEquals(s.seen.at(-1), ["g.jsonl", expected]);
  }
});

Deno.test("push: plain bytes to a server that does not advertise gzip", async () => {
  await using s = await setup({ accepts: [] });
  await s.queue(["p", await s.transcript("p")]);
  await s.cli([]);
  assertEquals(s.seen, [["p.jsonl", false]]);
});

Deno.test("push: unsafe paths never leave the machine and go to the failed log with a reason", async () => {
  await using s = await setup();
  const outside = await Deno.makeTempDir();
  try {
    const secret = `${outside}/id_rsa`;
    await Deno.writeTextFile(secret, "PRIVATE KEY");
    const stray = `${outside}/stray.jsonl`;
    await Deno.writeTextFile(stray, "{}\n");
    const link = `${s.projects}/-w/link.jsonl`;
    await Deno.symlink(stray, link);
    const fifo = `${s.projects}/-w/fifo.jsonl`;
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    const inside = await s.transcript("fine");
    await s.queue(["a", secret], ["b", stray], ["c", link], ["d", fifo], ["e", inside]);
    const result = await s.cli(["--concurrency", "1"]);
    assertEquals(result.code, 0);
    assertEquals([...(await s.receiver.stored()).keys()], ["fine.jsonl"]);
    const reasons = (await readRows(s.workspace.file("failedLog"))).map((row) => [row[1], row[2]]);
    assertEquals(reasons, [
      ["a", "not_jsonl"],
      ["b", "outside_allowed"],
      ["c", "outside_allowed"],
      ["d", "not_regular_file"],
    ]);
    // A folder the user allows is fine.
    await s.queue(["b", stray]);
    await s.cli(["--allow-path", outside]);
    assert((await s.receiver.stored()).has("stray.jsonl"));
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("push: malformed queue rows go to the failed log once; good rows proceed", async () => {
  await using s = await setup();
  const path = await s.transcript("good");
  await s.workspace.ensureStateDir();
  await Deno.writeFile(
    s.workspace.file("queue"),
    new Uint8Array([
      ...new TextEncoder().encode(`good\t${path}\nbad\0row\t/x.jsonl\n`),
      0xff,
      0x0a,
    ]),
  );
  const report = JSON.parse((await s.cli(["--json"])).stdout);
  assertEquals([report.sessions, report.dropped_permanent], [1, 2]);
  await s.cli([]);
  const rows = await readRows(s.workspace.file("failedLog"));
  assertEquals(rows.map((row) => row[2]), ["malformed", "malformed"]);
});

Deno.test("push --retry-failed gives permanent failures one more try", async () => {
  await using s = await setup();
  const path = await s.transcript("flaky");
  s.statuses.set("flaky.jsonl", 409);
  await s.queue(["flaky", path]);
  await s.cli([]);
  assertEquals((await readRows(s.workspace.file("failedLog"))).length, 1);
  s.statuses.clear();
  const result = await s.cli(["--retry-failed"]);
  assertEquals(result.stdout, "Uploaded 1 sessions\n");
  assertEquals(await Deno.readTextFile(s.workspace.file("failedLog")), "");
});

Deno.test("push: no token → exit 1 naming login; http to a remote host is refused", async () => {
  await using s = await setup();
  const { AGNES_TOKEN: _token, ...env } = s.env;
  const noToken = await runCli(["push", "--workspace", s.workspace.root], { env });
  assertEquals(noToken.code, 1);
  assertStringIncludes(noToken.stderr, "login");
  const insecure = await s.cli(["--server", "http://agnes.example.com"]);
  assertEquals(insecure.code, 1);
  assertStringIncludes(insecure.stderr, "--allow-insecure");
  assert(!insecure.stderr.includes(TEST_TOKEN));
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
    i < 100 && (await readIfExists(s.workspace.file("pushLock"))) !== undefined;
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50)); // let it release before cleanup
  }
});

Deno.test("login writes config.yaml (keeping other keys) and token.json 0600; never prints the token", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config.yaml`, "server: http://old\ntheme: dark\n");
    const result = await runCli(["login", "--server", "https://agnes.example.com/"], {
      stdin: "s3cr3t-token\n",
      env: { AGNES_CONFIG_DIR: dir },
    });
    assertEquals(result.code, 0);
    assert(!result.stdout.includes("s3cr3t") && !result.stderr.includes("s3cr3t"));
    assertEquals(
      await Deno.readTextFile(`${dir}/config.yaml`),
      'server: "https://agnes.example.com"\ntheme: dark\n',
    );
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/token.json`)), {
      access_token: "s3cr3t-token",
    });
    for (const file of ["config.yaml", "token.json"]) {
      assertEquals((await Deno.stat(`${dir}/${file}`)).mode! & 0o777, 0o600);
    }
    const insecure = await runCli(["login", "--server", "http://remote.example", "--token", "x"], {
      env: { AGNES_CONFIG_DIR: dir },
    });
    assertEquals(insecure.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: answers health on a free port; no --token is a usage error", async () => {
  const data = await Deno.makeTempDir();
  try {
    const missing = await runCli(["serve", "--data", data]);
    assertEquals(missing.code, 2);
    const child = spawnCli(["serve", "--port", "0", "--data", data, "--token", "t=u"], {
      stdout: "piped",
    });
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    const url = /Listening on (\S+)/.exec(value ?? "")![1]!;
    const response = await fetch(`${url}/api/health`);
    assertEquals(response.status, 200);
    await response.body?.cancel();
    child.kill("SIGTERM");
    assertEquals((await child.status).code, 0);
    await reader.cancel();
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("push: a large (streamed) transcript is redacted too, across read boundaries", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/large.jsonl`;
  const filler = "f".repeat(65536 - 10);
  const body = `${filler}${JWT}\n`.repeat(80); // ~5 MiB: over the in-memory limit
  await Deno.writeTextFile(path, body);
  await s.queue(["large", path]);
  assertEquals((await s.cli(["--no-gzip"])).stdout, "Uploaded 1 sessions\n");
  const stored = new TextDecoder().decode((await s.receiver.stored()).get("large.jsonl"));
  assertEquals(stored, `${filler}[REDACTED-JWT]\n`.repeat(80));
});

Deno.test("push: private entries are skipped, not requeued, even when the run stops", async () => {
  await using s = await setup({ minVersion: "99.0.0" });
  await s.queue(["secret", await s.transcript("secret")], ["open", await s.transcript("open")]);
  await addPrivateSession(s.workspace, "secret");
  const result = await s.cli(["--json"]);
  assertEquals(result.code, 1);
  const report = JSON.parse(result.stdout);
  assertEquals([report.private_skipped, report.requeued], [1, 1]);
  assertEquals((await readRows(s.workspace.file("queue"))).map((row) => row[0]), ["open"]);
});

Deno.test("push: a malformed row with a bare CR inside is logged, and the push goes on", async () => {
  await using s = await setup();
  const path = await s.transcript("ok");
  await s.workspace.ensureStateDir();
  await Deno.writeTextFile(s.workspace.file("queue"), `ok\t${path}\nid\t\t\rx\n`);
  const result = await s.cli(["--json"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout).sessions, 1);
  const [row] = await readRows(s.workspace.file("failedLog"));
  assertEquals(row![2], "malformed");
  assert(!/[\r\0]/.test(row![3]!));
});

Deno.test("push: a large (streamed) transcript to an unreachable server is requeued", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/huge.jsonl`;
  await Deno.writeFile(path, new Uint8Array(5 * 1024 * 1024).fill(0x61));
  await s.queue(["huge", path]);
  const report = await pushToUnreachable(s);
  assertEquals([report.requeued, report.dropped_permanent], [1, 0]);
  // (The resource sanitizer also checks that the unread stream's file was closed.)
});

/** Runs `push` under a pseudo-terminal (util-linux `script`), as a person would. */
async function pushOnTerminal(
  s: Awaited<ReturnType<typeof setup>>,
  args: string[],
): Promise<string> {
  const cli = new URL("../cli.ts", import.meta.url).pathname;
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

Deno.test("push on a terminal: says another push is running, and shows progress for many uploads", async () => {
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

Deno.test("push --retry-failed never drops failed-log rows it cannot read", async () => {
  await using s = await setup();
  const path = await s.transcript("again");
  await s.workspace.ensureStateDir();
  const unreadable = new Uint8Array([
    ...new TextEncoder().encode("2026-01-01T00:00:00Z\tx\t400\t/t/"),
    0xff,
    0x0a,
  ]);
  const retryable = new TextEncoder().encode(`2026-01-01T00:00:00Z\tagain\t409\t${path}\n`);
  await Deno.writeFile(
    s.workspace.file("failedLog"),
    new Uint8Array([...unreadable, ...retryable]),
  );
  const result = await s.cli(["--retry-failed"]);
  assertEquals(result.stdout, "Uploaded 1 sessions\n");
  const log = await Deno.readFile(s.workspace.file("failedLog"));
  assertEquals(log.subarray(0, unreadable.length), unreadable);
});
