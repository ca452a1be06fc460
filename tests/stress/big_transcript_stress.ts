/**
 * A large transcript goes up intact, plain and gzipped, streamed: the push's
 * peak memory stays bounded whatever the file's size (`docs/reference.md`,
 * Push: larger transcripts are streamed, so memory stays bounded).
 */

import { assert, assertEquals } from "../_assert.ts";
import { setup } from "../_push_setup.ts";
import { runCliMeasured } from "./_proc.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

const BIG_MIB = scaled(100, 16);
const PEAK_LIMIT_MIB = 150;

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

Deno.test(`push uploads a ${BIG_MIB} MiB transcript intact, plain and gzip, in under ${PEAK_LIMIT_MIB} MB of memory`, async () => {
  const clock = startClock();
  await using s = await setup({
    maxUploadBytes: 256 * 1024 * 1024,
    maxDecompressedBytes: 256 * 1024 * 1024,
  });
  const chunk = new TextEncoder().encode(
    `{"type":"user","text":"${"y".repeat(1000)}"}\n`.repeat(1024),
  );
  const peaks: number[] = [];
  let [lost, torn] = [0, 0];
  for (const [name, args] of [["big-plain", ["--no-gzip"]], ["big-gzip", []]] as const) {
    const path = `${s.projects}/-w/${name}.jsonl`;
    const file = await Deno.open(path, { write: true, create: true });
    for (let written = 0; written < BIG_MIB * 1024 * 1024; written += chunk.length) {
      await file.write(chunk);
    }
    file.close();
    await s.queue([name, path]);
    const result = await runCliMeasured(["push", "--workspace", s.workspace.root, ...args], {
      env: s.env,
      deadlineMs: 300_000,
    });
    assertEquals([result.code, result.stdout], [0, "Uploaded 1 session\n"], result.stderr);
    peaks.push(result.peakMiB);
    const source = await Deno.readFile(path);
    assert(source.length >= BIG_MIB * 1024 * 1024);
    try {
      const stored = await Deno.readFile(
        `${s.receiver.dataDir}/user_sessions/analyst/${name}.jsonl`,
      );
      if (await sha256(stored) !== await sha256(source)) torn++;
    } catch {
      lost++;
    }
    await Deno.remove(path);
  }
  assertEquals(s.seen, [["big-plain.jsonl", false], ["big-gzip.jsonl", true]]);
  const temps = (await s.receiver.allFiles()).filter((file) => file.endsWith(".tmp"));
  const counts = {
    scenario: "big_transcript",
    lost,
    torn,
    duplicates: s.seen.length - 2,
    overlaps: 0,
    kills: 0,
    leftovers: temps.length,
    ms: clock(),
    mib: BIG_MIB,
    peak_mib_plain: peaks[0]!,
    peak_mib_gzip: peaks[1]!,
  };
  report(counts);
  assert(Math.max(...peaks) > 0, "the push's memory was never sampled");
  assert(Math.max(...peaks) < PEAK_LIMIT_MIB, `push peaked at ${Math.max(...peaks)} MiB`);
  assertInvariants(counts);
});
