import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { EntryIndex, expectedEntries } from "../../lib/store/entry_index.ts";
import { dedupeEntries, type QueueEntry } from "../../lib/store/queue_entry.ts";

/** `count` rows over `distinct` keys, some stamped, in a scrambled order. */
function rows(count: number, distinct: number): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (let i = 0; i < count; i++) {
    const key = (i * 7919) % distinct;
    const day = String(1 + ((i * 31) % 28)).padStart(2, "0");
    out.push({
      sessionId: key % 5 === 0 ? "" : `session-${key}`,
      path: `/home/ana/.claude/projects/-w/${key % 5 === 0 ? "legacy" : "s"}-${key}.jsonl`,
      stamp: i % 3 === 0 ? `2026-11-${day}T00:00:00Z` : "",
    });
  }
  return out;
}

Deno.test("EntryIndex deduplicates 60,000 rows over 25,000 keys exactly as dedupeEntries does, growing past its expected size", () => {
  const all = rows(60_000, 25_000);
  const index = new EntryIndex(1000); // far too small: it grows
  for (const row of all) index.add(row);
  assertEquals(index.size, 25_000);
  const taken = all.map((row) => index.take({ ...row })).filter((entry) => entry !== undefined);
  assertEquals(taken, dedupeEntries(all));
  assertEquals(index.take({ ...all[0]! }), undefined); // taken once only
});

Deno.test("EntryIndex tells apart keys that differ only in where the TAB falls, and rows never added", () => {
  const index = new EntryIndex();
  index.add({ sessionId: "ab", path: "c", stamp: "" });
  assertEquals(index.size, 1);
  index.add({ sessionId: "a", path: "bc", stamp: "" });
  assertEquals(index.size, 2);
  assertEquals(index.take({ sessionId: "abc", path: "", stamp: "" }), undefined);
  assertEquals(index.take({ sessionId: "a", path: "bc", stamp: "" }), {
    sessionId: "a",
    path: "bc",
    stamp: "",
  });
});

Deno.test("expectedEntries() expects half the rows of the files, a missing file adding none", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-sessions.txt`;
  await Deno.writeTextFile(path, "a\t/a.jsonl\na\t/a.jsonl\nb\t/b.jsonl\n");
  assertEquals(expectedEntries([path, `${workspace.root}/missing.txt`]), 2);
});
