import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { AtomicFileWriter, WRITE_BATCH_BYTES } from "../../lib/receiver/_stream_to_file.ts";

async function withFolder(test: (folder: string) => Promise<void>): Promise<void> {
  const folder = await Deno.makeTempDir({ prefix: "agnes-atomic-" });
  try {
    await test(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

const target = (folder: string, maxBytes = Infinity) => ({
  folder: `${folder}/user`,
  name: "s1.jsonl",
  maxBytes,
  tooLarge: () => new RangeError("too large"),
});

Deno.test("AtomicFileWriter creates a missing folder and leaves only the named file", async () => {
  await withFolder(async (folder) => {
    const writer = new AtomicFileWriter(target(folder));
    await writer.write(new TextEncoder().encode("a\n"));
    await writer.write(new TextEncoder().encode("b\n"));
    await writer.close();
    assertEquals(await Deno.readTextFile(`${folder}/user/s1.jsonl`), "a\nb\n");
    assertEquals([...Deno.readDirSync(`${folder}/user`)].map((entry) => entry.name), ["s1.jsonl"]);
  });
});

Deno.test("AtomicFileWriter keeps the old file whole until close replaces it", async () => {
  await withFolder(async (folder) => {
    await Deno.mkdir(`${folder}/user`);
    await Deno.writeTextFile(`${folder}/user/s1.jsonl`, "old\n");
    const writer = new AtomicFileWriter(target(folder));
    const chunk = new Uint8Array(64 * 1024).fill(0x6e);
    for (let i = 0; i < 10; i++) await writer.write(chunk); // past a batch: on disk already
    assertEquals(await Deno.readTextFile(`${folder}/user/s1.jsonl`), "old\n");
    await writer.close();
    assertEquals((await Deno.stat(`${folder}/user/s1.jsonl`)).size, 10 * chunk.length);
    assertEquals(writer.size, 10 * chunk.length);
    assert(10 * chunk.length > WRITE_BATCH_BYTES);
  });
});

Deno.test("AtomicFileWriter removes its temp file when aborted or over its cap", async () => {
  await withFolder(async (folder) => {
    const big = new Uint8Array(WRITE_BATCH_BYTES + 1);
    const aborted = new AtomicFileWriter(target(folder));
    await aborted.write(big); // the temp file exists now
    await aborted.abort(new Error("client went away"));
    const capped = new AtomicFileWriter(target(folder, WRITE_BATCH_BYTES + 10));
    await capped.write(big);
    await assertRejects(() => capped.write(new Uint8Array(10)), RangeError);
    assertEquals([...Deno.readDirSync(`${folder}/user`)], []);
  });
});

Deno.test("AtomicFileWriter stores views of one buffer side by side, and apart, byte for byte", async () => {
  await withFolder(async (folder) => {
    const buffer = new TextEncoder().encode("0123456789");
    const together = new AtomicFileWriter(target(folder));
    for (const [start, end] of [[0, 3], [3, 7], [7, 10]]) {
      await together.write(buffer.subarray(start, end));
    }
    await together.close();
    assertEquals(await Deno.readTextFile(`${folder}/user/s1.jsonl`), "0123456789");
    const apart = new AtomicFileWriter({ ...target(folder), name: "s2.jsonl" });
    for (const [start, end] of [[0, 3], [5, 7], [3, 5]]) {
      await apart.write(buffer.subarray(start, end));
    }
    await apart.write(new TextEncoder().encode("!"));
    await apart.close();
    assertEquals(await Deno.readTextFile(`${folder}/user/s2.jsonl`), "0125634!");
  });
});
