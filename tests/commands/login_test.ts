import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { CLI, readIfExists, runCli, TEST_TOKEN } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";

Deno.test("login --token-stdin checks the token with the server, then writes config.yaml (keeping other keys) and token.json 0600, never printing the token", async () => {
  await using s = await setup();
  const dir = s.env.AGNES_CONFIG_DIR!;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/config.yaml`, "server: http://old\ntheme: dark\n");
  const result = await runCli(["login", "--server", `${s.receiver.url}/`, "--token-stdin"], {
    stdin: `${TEST_TOKEN}\n`,
    env: { AGNES_CONFIG_DIR: dir },
  });
  assertEquals(result.code, 0, result.stderr);
  assert(!result.stdout.includes(TEST_TOKEN) && !result.stderr.includes(TEST_TOKEN));
  assertStringIncludes(result.stdout, `${dir}/token.json`);
  assertEquals(
    await Deno.readTextFile(`${dir}/config.yaml`),
    `server: "${s.receiver.url}"\ntheme: dark\n`,
  );
  assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/token.json`)), {
    access_token: TEST_TOKEN,
  });
  for (const file of ["config.yaml", "token.json"]) {
    assertEquals((await Deno.stat(`${dir}/${file}`)).mode! & 0o777, 0o600);
  }
});

Deno.test("login with a token the server rejects saves nothing, names the server, and exits 1", async () => {
  await using s = await setup();
  const dir = s.env.AGNES_CONFIG_DIR!;
  const result = await runCli(["login", "--server", s.receiver.url, "--token-stdin"], {
    stdin: "expired-token\n",
    env: { AGNES_CONFIG_DIR: dir },
  });
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, `${s.receiver.url} rejects this token`);
  assertStringIncludes(result.stderr, "Nothing was saved");
  assert(!result.stderr.includes("expired-token"));
  assertEquals(await readIfExists(`${dir}/token.json`), undefined);
});

Deno.test("login to a server that does not answer saves nothing unless --skip-check; plain http to a remote host is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    listener.close();
    const down = `http://127.0.0.1:${listener.addr.port}`;
    const refused = await runCli(["login", "--server", down, "--token-stdin"], {
      stdin: "t0k3n",
      env: { AGNES_CONFIG_DIR: dir },
    });
    assertEquals(refused.code, 1);
    assertStringIncludes(refused.stderr, "does not answer: connection refused");
    assertEquals(await readIfExists(`${dir}/token.json`), undefined);
    const skipped = await runCli(["login", "--server", down, "--token-stdin", "--skip-check"], {
      stdin: "t0k3n",
      env: { AGNES_CONFIG_DIR: dir },
    });
    assertEquals(skipped.code, 0);
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/token.json`)).access_token, "t0k3n");
    const insecure = await runCli(["login", "--server", "http://remote.example", "--token", "x"], {
      env: { AGNES_CONFIG_DIR: dir },
    });
    assertEquals(insecure.code, 1);
    assertStringIncludes(insecure.stderr, "--allow-insecure");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login on a terminal asks for the token without showing it", async () => {
  await using s = await setup();
  const dir = s.env.AGNES_CONFIG_DIR!;
  // util-linux `script` runs login on a pseudo-terminal and passes our stdin to it as keystrokes.
  const command = [
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    CLI,
    "login",
    "--server",
    s.receiver.url,
  ]
    .map((word) => `'${word}'`).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    env: { AGNES_CONFIG_DIR: dir, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped", // script merges the program's stderr into its stdout
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  let screen = "";
  let typed = false;
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) {
      screen += decoder.decode(chunk, { stream: true });
      if (typed || !screen.includes("will not show")) continue;
      typed = true; // the prompt is up: type the token, once
      await writer.write(new TextEncoder().encode(`${TEST_TOKEN}\r`));
    }
  })();
  await child.stderr.cancel();
  await reading; // the prompt showed, the token was typed, login ended
  await writer.close().catch(() => {});
  assertEquals((await child.status).code, 0, screen);
  assertStringIncludes(screen, `Token for ${s.receiver.url}`);
  assert(!screen.includes(TEST_TOKEN), `the token showed on the terminal:\n${screen}`);
  assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/token.json`)).access_token, TEST_TOKEN);
});
