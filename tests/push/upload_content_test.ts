import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { pushToUnreachable, setup } from "../_push_setup.ts";

const JWT =
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

Deno.test("push() uploads CLAUDE.local.md redacted, and not again while unchanged", async () => {
  await using s = await setup();
  await s.workspace.ensureStateDir();
  const local = s.workspace.file("localMd");
  await Deno.writeTextFile(local, `# notes\ntoken: ${JWT}\n`);
  const first = await s.cli([]);
  assertEquals(first.stdout, "Uploaded 0 sessions\nUploaded CLAUDE.local.md\n");
  const stored = `${s.receiver.dataDir}/local_md/analyst/CLAUDE.local.md`;
  assertEquals(await Deno.readTextFile(stored), "# notes\ntoken: [REDACTED-JWT]\n");
  assertEquals((await s.cli([])).stdout, "Uploaded 0 sessions\n");
  await Deno.writeTextFile(local, "# changed\n");
  assertEquals((await s.cli([])).stdout, "Uploaded 0 sessions\nUploaded CLAUDE.local.md\n");
});

Deno.test("push() redacts JWTs at the byte level and keeps invalid UTF-8 elsewhere exactly", async () => {
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

Deno.test("push() redacts a large (streamed) transcript too, across read boundaries", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/large.jsonl`;
  const filler = "f".repeat(65536 - 10);
  const body = `${filler}${JWT}\n`.repeat(80); // ~5 MiB: over the in-memory limit
  await Deno.writeTextFile(path, body);
  await s.queue(["large", path]);
  assertEquals((await s.cli(["--no-gzip"])).stdout, "Uploaded 1 session\n");
  const stored = new TextDecoder().decode((await s.receiver.stored()).get("large.jsonl"));
  assertEquals(stored, `${filler}[REDACTED-JWT]\n`.repeat(80));
});

Deno.test("push() gzips when the server advertises it, never with --no-gzip or AGNES_PUSH_NO_GZIP=1", async () => {
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

Deno.test("push() sends plain bytes to a server that does not advertise gzip", async () => {
  await using s = await setup({ accepts: [] });
  await s.queue(["p", await s.transcript("p")]);
  await s.cli([]);
  assertEquals(s.seen, [["p.jsonl", false]]);
});

Deno.test("push() requeues a large (streamed) transcript when the server is unreachable", async () => {
  await using s = await setup();
  const path = `${s.projects}/-w/huge.jsonl`;
  await Deno.writeFile(path, new Uint8Array(5 * 1024 * 1024).fill(0x61));
  await s.queue(["huge", path]);
  const report = await pushToUnreachable(s);
  assertEquals([report.requeued, report.droppedPermanent], [1, 0]);
  // (The resource sanitizer also checks that the unread stream's file was closed.)
});

Deno.test("push() never uploads the workspace root's CLAUDE.local.md (Claude Code's private file)", async () => {
  await using s = await setup();
  await s.queue(["s1", await s.transcript("s1")]);
  await Deno.writeTextFile(`${s.workspace.root}/CLAUDE.local.md`, "my private notes\n");
  const result = await s.cli(["--json"]);
  assertEquals(JSON.parse(result.stdout).local_md, false);
  assertEquals((await s.receiver.allFiles()).filter((file) => file.includes("local_md")), []);
});

for (
  const [kind, make] of [
    ["a link to a private key", async (path: string, dir: string) => {
      await Deno.writeTextFile(`${dir}/id_ed25519`, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
      await Deno.symlink(`${dir}/id_ed25519`, path);
    }],
    ["a link to /proc/self/environ", (path: string) => Deno.symlink("/proc/self/environ", path)],
    [
      "over 1 MiB",
      (path: string) => Deno.writeFile(path, new Uint8Array(1024 * 1024 + 1).fill(0x61)),
    ],
  ] as const
) {
  Deno.test(`push() refuses a .claude/CLAUDE.local.md that is ${kind} with a warning, and the transcripts still go`, async () => {
    await using s = await setup();
    await s.queue(["s1", await s.transcript("s1")]);
    await make(s.workspace.file("localMd"), s.claudeDir);
    const result = await s.cli(["--json"]);
    assertEquals(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assertEquals([report.sessions, report.local_md], [1, false]);
    assertStringIncludes(result.stderr, "CLAUDE.local.md");
    assert(/symbolic link|larger than 1 MiB/.test(result.stderr), result.stderr);
    assertEquals((await s.receiver.allFiles()).filter((file) => file.includes("local_md")), []);
  });
}
