import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";
import { runCli, spawnCli } from "../_helpers.ts";

/** No tokens from the test runner's environment. */
const NO_ENV_TOKENS = { AGNES_SERVE_TOKENS: "" };

async function withDir(test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "agnes-serve-" });
  try {
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Starts `serve` and waits for its URL; stop it with `stop`, which returns its stderr. */
async function startServe(args: string[], env: Record<string, string> = NO_ENV_TOKENS) {
  const child = spawnCli(["serve", "--port", "0", ...args], {
    stdout: "piped",
    stderr: "piped",
    env,
  });
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  const url = /Listening on (\S+)/.exec(value ?? "")?.[1];
  assert(url !== undefined, `serve did not start: ${value}`);
  return {
    url,
    async stop(): Promise<string> {
      child.kill("SIGTERM");
      assertEquals((await child.status).code, 0);
      await reader.cancel();
      return await stderr;
    },
  };
}

async function upload(url: string, token: string, name: string): Promise<number> {
  const form = new FormData();
  form.append("file", new Blob(["{}\n"]), name);
  const response = await fetch(`${url}/api/upload/sessions`, {
    method: "POST",
    body: form,
    headers: { Authorization: `Bearer ${token}` },
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("serve answers health on a free port; no token from any source is a usage error", async () => {
  await withDir(async (data) => {
    const missing = await runCli(["serve", "--data", data], { env: NO_ENV_TOKENS });
    assertEquals(missing.code, 2);
    assertStringIncludes(missing.stderr, "No token given");
    const serve = await startServe(["--data", data, "--token", "t=u"]);
    const response = await fetch(`${serve.url}/api/health`);
    assertEquals(response.status, 200);
    await response.body?.cancel();
    await serve.stop();
  });
});

Deno.test("serve takes tokens from AGNES_SERVE_TOKENS and --token-file, and logs one line per request without the token", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/tokens`, "# who may upload\nfile-token-123=fileuser\n");
    const serve = await startServe(
      ["--data", `${dir}/data`, "--token-file", `${dir}/tokens`],
      { AGNES_SERVE_TOKENS: "env-token-456=envuser, other-789=other" },
    );
    const health = await fetch(`${serve.url}/api/health`);
    await health.body?.cancel();
    assertEquals(await upload(serve.url, "env-token-456", "a.jsonl"), 200);
    assertEquals(await upload(serve.url, "file-token-123", "b.jsonl"), 200);
    assertEquals(await upload(serve.url, "wrong-token-000", "c.jsonl"), 401);
    const stderr = await serve.stop();
    assertEquals(await Deno.readTextFile(`${dir}/data/user_sessions/envuser/a.jsonl`), "{}\n");
    assertEquals(await Deno.readTextFile(`${dir}/data/user_sessions/fileuser/b.jsonl`), "{}\n");
    const lines = stderr.trim().split("\n");
    const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z (\S+) (\S+) (\d{3}) (\d+)B \d+ms (\S+)$/;
    const fields = lines.map((line) => LINE.exec(line)?.slice(1));
    assertEquals(fields.map((field) => field && [field[0], field[1], field[2], field[4]]), [
      ["GET", "/api/health", "200", "-"],
      ["POST", "/api/upload/sessions", "200", "envuser"],
      ["POST", "/api/upload/sessions", "200", "fileuser"],
      ["POST", "/api/upload/sessions", "401", "-"],
    ]);
    assert(Number(fields[1]![3]) > 100, `bytes received: ${fields[1]![3]}`);
    for (const token of ["env-token-456", "file-token-123", "wrong-token-000"]) {
      assert(!stderr.includes(token), `stderr holds ${token}`);
    }
  });
});

Deno.test("serve refuses a token file or variable it cannot read, without echoing a token", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/malformed`, "ok-token=alice\nsecret-token-without-user\n");
    await Deno.symlink(`${dir}/malformed`, `${dir}/link`);
    const cases: [string[], Record<string, string>, string][] = [
      [["--token-file", `${dir}/malformed`], NO_ENV_TOKENS, "line 2 is not TOKEN=USER"],
      [["--token-file", `${dir}/link`], NO_ENV_TOKENS, "it is a symbolic link"],
      [["--token-file", `${dir}/missing`], NO_ENV_TOKENS, "no such file"],
      [["--token-file", dir], NO_ENV_TOKENS, "it is not a regular file"],
      [[], { AGNES_SERVE_TOKENS: "secret-token-without-user" }, "item 1 is not TOKEN=USER"],
      [["--token", "t=alice"], { AGNES_SERVE_TOKENS: "t=bob" }, 'two users: "alice" and "bob"'],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(["serve", "--port", "0", "--data", `${dir}/data`, ...args], {
        env,
      });
      assertEquals(result.code, 1, message);
      assertStringIncludes(result.stderr, message);
      assert(!result.stderr.includes("secret-token"), result.stderr);
    }
  });
});

Deno.test("serve refuses user ids . and .. from every token source at start-up", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/tokens`, "t=..\n");
    const sources: [string[], Record<string, string>][] = [
      [["--token", "t=.."], NO_ENV_TOKENS],
      [["--token-file", `${dir}/tokens`], NO_ENV_TOKENS],
      [[], { AGNES_SERVE_TOKENS: "t=." }],
    ];
    for (const [args, env] of sources) {
      const result = await runCli(["serve", "--port", "0", "--data", `${dir}/data`, ...args], {
        env,
      });
      assertEquals(result.code, 1, args.join(" "));
      assertMatch(result.stderr, /Cannot serve user id "\.\.?": not a safe folder name/);
    }
  });
});

Deno.test("serve names the address when it cannot bind, exit 1", async () => {
  await withDir(async (dir) => {
    using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = taken.addr.port;
    const result = await runCli(
      ["serve", "--port", String(port), "--data", dir, "--token", "t=u"],
      { env: NO_ENV_TOKENS },
    );
    assertEquals(result.code, 1);
    assertEquals(
      result.stderr,
      `agnes-sessions serve: Cannot listen on 127.0.0.1:${port}: address already in use\n`,
    );
  });
});

Deno.test("serve --help lists every option with its default, the token sources and why argv is discouraged", async () => {
  const { code, stdout } = await runCli(["serve", "--help"]);
  assertEquals(code, 0);
  for (
    const option of [
      "--data DIR",
      "--port N",
      "--hostname HOST",
      "--max-upload-mb N",
      "--max-connections N",
      "--head-timeout SECONDS",
      "--body-timeout SECONDS",
      "--keep-alive-timeout SECONDS",
    ]
  ) {
    assertMatch(stdout, new RegExp(`\\n  ${option} +.*\\(default [^)]+\\)\\n`));
  }
  for (const source of ["AGNES_SERVE_TOKENS", "--token-file FILE", "--token TOKEN=USER"]) {
    assertStringIncludes(stdout, source);
  }
  assertStringIncludes(stdout, "every local user can read a process's arguments (ps)");
  assertStringIncludes(stdout, "Examples:");
});
