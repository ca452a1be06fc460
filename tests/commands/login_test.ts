import { assert, assertEquals } from "../_assert.ts";
import { runCli } from "../_helpers.ts";

Deno.test("login writes config.yaml (keeping other keys) and token.json 0600, and never prints the token", async () => {
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
