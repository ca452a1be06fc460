import { assertEquals } from "../_assert.ts";
import { findVersion, indexShard, indexText } from "../../lib/store/_ledger_shard.ts";

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ["/t/a.jsonl", "/t/b.jsonl", "/x/t/a.jsonl", "/t/a.jsonl.bak", "/t/ab.jsonl"];

/** One row: well formed mostly, else short, empty-sided, with extra tabs, or not a row. */
function row(next: () => number): string {
  const path = PATHS[Math.floor(next() * PATHS.length)]!;
  const [size, mtime] = [Math.floor(next() * 5), Math.floor(next() * 5)];
  const kind = next();
  if (kind < 0.6) return `${size}\t${mtime}\t${path}`;
  if (kind < 0.7) return `${size}\t${path}`; // one column short
  if (kind < 0.8) return `\t${mtime}\t${path}`; // an empty side
  if (kind < 0.85) return `${size}\t\t${path}`;
  if (kind < 0.9) return `${size}\t${mtime}\t${path}\textra`; // a path with a tab in it: another path
  if (kind < 0.95) return "broken";
  return "";
}

Deno.test("findVersion() and indexText() agree with the line reader's index on 200 random shards, torn last rows included", async () => {
  const file = await Deno.makeTempFile();
  try {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const rows = Array.from({ length: 1 + Math.floor(next() * 40) }, () => row(next));
      const torn = next() < 0.3;
      const text = rows.join("\n") + (torn ? "" : "\n");
      await Deno.writeTextFile(file, text);
      const streamed = indexShard(file);
      const whole = indexText(torn ? text + "\n" : text);
      assertEquals(whole, streamed, `seed ${seed}`);
      for (const path of PATHS) {
        const found = findVersion(torn ? text + "\n" : text, path);
        assertEquals(found, streamed.versions.get(path), `seed ${seed}, ${path}`);
      }
    }
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("findVersion(), indexText() and indexShard() take a path's last well-formed row, skipping a row one column short", async () => {
  const text = "1\t2\t/t/a.jsonl\n9\t/t/a.jsonl\n3\t4\t/t/a.jsonl\nbroken\n5\t6\t/t/b.jsonl\n";
  assertEquals(findVersion(text, "/t/a.jsonl"), "3\t4");
  assertEquals(findVersion("9\t/t/a.jsonl\n", "/t/a.jsonl"), undefined); // one column short
  assertEquals(findVersion(text, "/t/c.jsonl"), undefined);
  assertEquals(findVersion(`${text}\t4\t/t/a.jsonl\n`, "/t/a.jsonl"), "\t4"); // an empty side is kept
  const index = indexText(text);
  assertEquals([index.versions.get("/t/a.jsonl"), index.versions.size, index.rows], ["3\t4", 2, 3]);
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, text);
    const shard = indexShard(file);
    assertEquals([shard.versions.get("/t/a.jsonl"), shard.versions.size], ["3\t4", 2]);
  } finally {
    await Deno.remove(file);
  }
});
