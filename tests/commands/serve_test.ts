import { assertEquals } from "../_assert.ts";
import { runCli, spawnCli } from "../_helpers.ts";

Deno.test("serve answers health on a free port; no --token is a usage error", async () => {
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
