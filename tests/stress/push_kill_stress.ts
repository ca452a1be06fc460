import { assert, assertEquals } from "../_assert.ts";
import { readIfExists, runCli, spawnCli } from "../_helpers.ts";
import { setup } from "../_push_setup.ts";
import { listSnapshots } from "../../mod.ts";
import { scaled } from "./_scale.ts";

const ROUNDS = scaled(8, 3);
const BIG_MIB = scaled(100, 16);

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

Deno.test("push killed with SIGKILL at random instants loses nothing; a clean push then delivers all", async () => {
  await using s = await setup();
  const env = { ...s.env, AGNES_LOCAL_DIR: s.workspace.root };
  const expected = new Map<string, string>();
  const line = `{"type":"assistant","text":"${"x".repeat(1000)}"}\n`;
  const capture = async (name: string) => {
    const path = await s.transcript(name, line.repeat(64));
    expected.set(`${name}.jsonl`, path);
    await s.queue([name, path]);
  };
  let kills = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 40; i++) await capture(`r${round}-${i}`);
    const before = s.seen.length;
    const child = spawnCli(["push", "--concurrency", "1"], { env });
    // Wait for its first upload, then kill it at a random instant during the uploads.
    for (let waited = 0; s.seen.length === before && waited < 10_000; waited += 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
    try {
      child.kill("SIGKILL");
      kills++;
    } catch {
      // It finished before the kill: fine, that is one more instant.
    }
    await child.status;
  }
  assert(kills >= Math.ceil(ROUNDS / 2), `only ${kills} of ${ROUNDS} pushes were killed mid-run`);
  const clean = await runCli(["push", "--json"], { env });
  assertEquals(clean.code, 0, clean.stderr);
  const report = JSON.parse(clean.stdout);
  assertEquals([report.requeued, report.dropped_permanent, report.errors], [0, 0, []]);
  const stored = await s.receiver.stored();
  for (const [name, path] of expected) {
    assertEquals(
      stored.get(name),
      await Deno.readFile(path),
      `${name} reached the receiver intact`,
    );
  }
  assertEquals(await readIfExists(s.workspace.file("queue")), undefined);
  assertEquals(await listSnapshots(s.workspace), []);
  const temps = (await s.receiver.allFiles()).filter((file) => file.endsWith(".tmp"));
  assertEquals(temps, []);
  // Duplicates stay rare: only uploads cut off by a kill were sent twice.
  assert(
    s.seen.length <= expected.size + 2 * kills,
    `${s.seen.length} uploads for ${expected.size}`,
  );
});

Deno.test(`push uploads a ${BIG_MIB} MiB transcript intact, plain and gzip`, async () => {
  await using s = await setup({
    maxUploadBytes: 256 * 1024 * 1024,
    maxDecompressedBytes: 256 * 1024 * 1024,
  });
  const chunk = new TextEncoder().encode(
    `{"type":"user","text":"${"y".repeat(1000)}"}\n`.repeat(1024),
  );
  for (const [name, args] of [["big-plain", ["--no-gzip"]], ["big-gzip", []]] as const) {
    const path = `${s.projects}/-w/${name}.jsonl`;
    const file = await Deno.open(path, { write: true, create: true });
    for (let written = 0; written < BIG_MIB * 1024 * 1024; written += chunk.length) {
      await file.write(chunk);
    }
    file.close();
    await s.queue([name, path]);
    const result = await s.cli([...args]);
    assertEquals(result.stdout, "Uploaded 1 session\n", result.stderr);
    const stored = await Deno.readFile(`${s.receiver.dataDir}/user_sessions/analyst/${name}.jsonl`);
    const source = await Deno.readFile(path);
    assert(source.length >= BIG_MIB * 1024 * 1024);
    assertEquals(await sha256(stored), await sha256(source));
    await Deno.remove(path);
  }
  assertEquals(s.seen, [["big-plain.jsonl", false], ["big-gzip.jsonl", true]]);
});
