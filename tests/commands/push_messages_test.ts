/**
 * Every way a push can fail says where (the URL) and what to do, and never
 * shows the token.
 */

import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { runCli, TEST_TOKEN } from "../_helpers.ts";
import { type Setup, setup } from "../_push_setup.ts";
import { AgnesClient, push } from "../../mod.ts";

async function pushWith(s: Setup, env: Record<string, string> = {}, args: string[] = []) {
  const result = await runCli(["push", "--workspace", s.workspace.root, ...args], {
    env: { ...s.env, ...env },
  });
  assert(!result.stdout.includes(TEST_TOKEN) && !result.stderr.includes(TEST_TOKEN));
  return result;
}

Deno.test("push against a port nobody listens on says connection refused, names the URL, and keeps the session", async () => {
  await using s = await setup();
  await s.queue(["s1", await s.transcript("s1")]);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  const url = `http://127.0.0.1:${listener.addr.port}`;
  const result = await pushWith(s, { AGNES_SERVER: url });
  assertEquals(result.code, 0);
  assertStringIncludes(
    result.stderr,
    `connection refused: nothing is listening there (${url}/api/upload/sessions)`,
  );
  assertStringIncludes(result.stderr, "the session stays queued for the next push");
  assertStringIncludes(result.stdout, "Requeued 1 session for the next push");
});

Deno.test("push against a server that never answers says so with the URL, in its time-out", async () => {
  await using s = await setup();
  await s.queue(["s1", await s.transcript("s1")]);
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 }); // accepts, never answers
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  try {
    using client = new AgnesClient({
      server: `http://127.0.0.1:${silent.addr.port}`,
      token: TEST_TOKEN,
      timeoutMs: 300,
    });
    const report = await push({ workspace: s.workspace, client, allowedRoots: [s.projects] });
    const [error] = report!.errors;
    assert(error !== undefined && "error" in error);
    assertMatch(
      error.error,
      new RegExp(
        `^no answer within [\\d.]+ s \\(http://127\\.0\\.0\\.1:${silent.addr.port}/api/upload/sessions\\)$`,
      ),
    );
    assertEquals(report!.requeued, 1);
  } finally {
    silent.close();
    for (const conn of held) conn.close();
    await accepting.catch(() => {});
  }
});

for (
  const [status, advice] of [
    [401, 'the server rejects the token; run "agnes-sessions login --server'],
    [503, "the server is busy or failing; the session stays queued for the next push"],
    [
      413,
      'refused for good (see .claude/agnes-sessions-failed.txt; "agnes-sessions push --retry-failed" tries again)',
    ],
  ] as const
) {
  Deno.test(`push answered HTTP ${status} names the URL and says what to do`, async () => {
    await using s = await setup();
    await s.queue(["s1", await s.transcript("s1")]);
    s.statuses.set("s1.jsonl", status);
    const result = await pushWith(s);
    assertEquals(result.code, status === 401 ? 1 : 0); // a rejected token needs the user
    assertStringIncludes(
      result.stderr,
      `HTTP ${status} from ${s.receiver.url}/api/upload/sessions: ${advice}`,
    );
  });
}

Deno.test("push answered a 3xx stops with exit 1, names where the server moved, and says to check the URL", async () => {
  await using s = await setup();
  await s.queue(["s1", await s.transcript("s1")]);
  s.statuses.set(
    "s1.jsonl",
    new Response(null, { status: 301, headers: { location: "https://new.example/" } }),
  );
  const result = await pushWith(s);
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "moved to https://new.example/");
  assertStringIncludes(result.stderr, "check the server URL");
});

Deno.test("push --dry-run lists what it would upload apart from private, refused, missing and already-uploaded entries", async () => {
  await using s = await setup();
  const [fresh, done, secret] = [
    await s.transcript("fresh"),
    await s.transcript("done"),
    await s.transcript("secret"),
  ];
  await s.queue(["done", done]);
  assertEquals((await pushWith(s)).code, 0); // "done" is on the server now
  const outside = `${s.claudeDir}/elsewhere.jsonl`;
  await Deno.writeTextFile(outside, "{}\n");
  await s.queue(["fresh", fresh], ["done", done], ["secret", secret], ["out", outside], [
    "gone",
    `${s.projects}/-w/gone.jsonl`,
  ]);
  await runCli(["mark-private", "secret", "--workspace", s.workspace.root]);
  const text = await pushWith(s, {}, ["--dry-run"]);
  assertEquals(text.code, 0);
  assertEquals(text.stdout.split("\n").slice(0, 2), [
    "Dry run - would upload 1 session file",
    `  ${fresh}`,
  ]);
  assertStringIncludes(text.stdout, `Would skip 1 private session:\n  [secret] ${secret}`);
  assertStringIncludes(
    text.stdout,
    `Would refuse 1 session (never uploaded):\n  ${outside}  (outside_allowed)`,
  );
  assertStringIncludes(
    text.stdout,
    `Not there yet, 1 session (stays queued):\n  ${s.projects}/-w/gone.jsonl`,
  );
  assertStringIncludes(text.stdout, `Already uploaded unchanged, 1 session:\n  ${done}`);
  const quiet = await pushWith(s, {}, ["--dry-run", "--quiet"]);
  assertEquals(quiet.stdout, "Dry run - would upload 1 session file\n");
  const json = JSON.parse((await pushWith(s, {}, ["--dry-run", "--json"])).stdout);
  assertEquals(json.would_upload.sessions, [fresh]);
  assertEquals(json.would_skip_private, [{ session_id: "secret", path: secret }]);
  assertEquals(json.would_refuse, [{
    session_id: "out",
    path: outside,
    reason: "outside_allowed",
  }]);
  assertEquals(json.missing.map((entry: { path: string }) => entry.path), [
    `${s.projects}/-w/gone.jsonl`,
  ]);
  assertEquals(json.already_uploaded, [{ session_id: "done", path: done }]);
  assertEquals(
    [
      json.summary.sessions_count,
      json.summary.private_skipped_count,
      json.summary.refused_count,
      json.summary.missing_count,
      json.summary.already_uploaded_count,
    ],
    [1, 1, 1, 1, 1],
  );
  assertEquals(s.seen.map(([name]) => name), ["done.jsonl"]); // the dry runs sent nothing
});
