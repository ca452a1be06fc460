import { assert, assertEquals, assertMatch, assertNotEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { serverKey, UploadLedger } from "../../lib/store/upload_ledger.ts";
import { Workspace } from "../../lib/store/workspace.ts";

Deno.test("UploadLedger keeps one version per path and server, and a grown or shrunk file counts as new once", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  using ledger = new UploadLedger(workspace, "https://a.example");
  await ledger.record("/t/s.jsonl", 100, 1);
  await ledger.record("/t/s.jsonl", 50, 2); // it shrank and was sent once more
  await ledger.compact();
  const again = new UploadLedger(workspace, "https://a.example"); // a later push reads it back
  assertEquals(again.has("/t/s.jsonl", 50, 2), true);
  assertEquals(again.has("/t/s.jsonl", 100, 1), false);
  assertEquals(
    new UploadLedger(workspace, "https://b.example").has("/t/s.jsonl", 50, 2),
    false,
  );
});

Deno.test("UploadLedger compacts a shard at the end of a push that recorded a path it already held, once past 64 rows and twice its paths", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  using ledger = new UploadLedger(workspace, "https://a.example");
  for (let version = 0; version < 200; version++) {
    await ledger.record("/t/busy.jsonl", version, version);
  }
  const path = ledger.shardPath("/t/busy.jsonl");
  assertEquals((await Deno.readTextFile(path)).split("\n").length - 1, 200);
  await ledger.compact();
  assertEquals(await Deno.readTextFile(path), "199\t199\t/t/busy.jsonl\n");
  await ledger.record("/t/busy.jsonl", 200, 200); // an append after compact() goes to the new file
  assertEquals(await Deno.readTextFile(path), "199\t199\t/t/busy.jsonl\n200\t200\t/t/busy.jsonl\n");
  await ledger.compact(); // 2 rows: not worth a rewrite
  assertEquals((await Deno.readTextFile(path)).split("\n").length - 1, 2);
});

/** `count` paths that share one shard of `ledger`. */
function pathsInOneShard(ledger: UploadLedger, count: number): string[] {
  const shard = ledger.shardPath("/t/0.jsonl");
  const paths: string[] = [];
  for (let i = 0; paths.length < count; i++) {
    if (ledger.shardPath(`/t/${i}.jsonl`) === shard) paths.push(`/t/${i}.jsonl`);
  }
  return paths;
}

Deno.test("UploadLedger answers a few lookups by searching a shard, many from its index, the same either way, writing nothing", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const writer = new UploadLedger(workspace, "https://a.example");
  const paths = pathsInOneShard(writer, 12);
  await Deno.mkdir(writer.dir, { recursive: true });
  // Over 64 KiB of other rows first, so the shard is large enough to be searched before indexed.
  const rows = Array.from(
    { length: 1500 },
    (_, i) => `5\t5\t/t/other/${i}-${"x".repeat(40)}.jsonl`,
  );
  rows.push(...paths.flatMap((path, i) => [`1\t1\t${path}`, `${i}\t7\t${path}`]));
  // Rows a reader must pass over: one column short, a path that only ends like ours, a torn last row.
  rows.push(`9\t${paths[0]}`, `2\t2\t/x${paths[1]}`, `3\t3\t${paths[2]}`);
  const shard = writer.shardPath(paths[0]!);
  await Deno.writeTextFile(shard, rows.join("\n")); // no final newline: a torn last row
  const before = await Deno.readTextFile(shard);
  using reader = new UploadLedger(workspace, "https://a.example");
  for (let round = 0; round < 2; round++) { // the first lookups search, the later ones use the index
    for (const [i, path] of paths.entries()) {
      const version = i === 2 ? [3, 3] : [i, 7];
      assertEquals(reader.has(path, version[0]!, version[1]!), true, `${path} in round ${round}`);
      assertEquals(reader.has(path, 1, 1), false);
    }
  }
  assertEquals(reader.has("/t/elsewhere.jsonl", 1, 1), false);
  assertEquals(await Deno.readTextFile(shard), before);
  await reader.compact(); // fewer than twice as many rows as paths: not worth a rewrite
  assertEquals(await Deno.readTextFile(shard), before);
  assert(before.length > 64 * 1024);
});

Deno.test("UploadLedger compacts an overgrown shard a push indexed, without a new record", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const writer = new UploadLedger(workspace, "https://a.example");
  const paths = pathsInOneShard(writer, 6);
  await Deno.mkdir(writer.dir, { recursive: true });
  const shard = writer.shardPath(paths[0]!);
  const rows = paths.flatMap((path) => Array.from({ length: 30 }, (_, v) => `${v}\t0\t${path}\n`));
  await Deno.writeTextFile(shard, rows.join(""));
  using reader = new UploadLedger(workspace, "https://a.example");
  for (const path of paths) assertEquals(reader.has(path, 29, 0), true); // enough lookups to index
  await reader.compact();
  assertEquals(await Deno.readTextFile(shard), paths.map((path) => `29\t0\t${path}\n`).join(""));
});

Deno.test("UploadLedger searching a large shard sees the rows it records between lookups", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  using ledger = new UploadLedger(workspace, "https://a.example");
  const [a, b, c] = pathsInOneShard(ledger, 3);
  await Deno.mkdir(ledger.dir, { recursive: true });
  const filler = Array.from(
    { length: 1500 },
    (_, i) => `5\t5\t/t/other/${i}-${"x".repeat(40)}.jsonl\n`,
  );
  await Deno.writeTextFile(ledger.shardPath(a!), filler.join("") + `1\t1\t${a}\n`);
  assertEquals([ledger.has(a!, 1, 1), ledger.has(b!, 2, 2)], [true, false]);
  await ledger.record(b!, 2, 2);
  assertEquals([ledger.has(c!, 3, 3), ledger.has(b!, 2, 2), ledger.has(a!, 1, 1)], [
    false,
    true,
    true,
  ]);
  await ledger.record(a!, 4, 4); // a path the shard held: compact() looks, and finds 1503 rows for 1502 paths
  assertEquals([ledger.has(a!, 4, 4), ledger.has(a!, 1, 1)], [true, false]);
  await ledger.compact();
  const again = new UploadLedger(workspace, "https://a.example");
  assertEquals([again.has(a!, 4, 4), again.has(b!, 2, 2), again.has(c!, 3, 3)], [
    true,
    true,
    false,
  ]);
});

Deno.test("UploadLedger reads a large shard holding CRLF rows as the line reader does: the last row wins", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  using ledger = new UploadLedger(workspace, "https://a.example");
  await Deno.mkdir(ledger.dir, { recursive: true });
  const filler = Array.from(
    { length: 1500 },
    (_, i) => `5\t5\t/t/other/${i}-${"x".repeat(40)}.jsonl\n`,
  );
  await Deno.writeTextFile(
    ledger.shardPath("/t/p.jsonl"),
    filler.join("") + "1\t2\t/t/p.jsonl\n3\t4\t/t/p.jsonl\r\n",
  );
  assertEquals([ledger.has("/t/p.jsonl", 3, 4), ledger.has("/t/p.jsonl", 1, 2)], [true, false]);
});

Deno.test("UploadLedger names a shard by the first two hex digits of the path's FNV-1a hash, as earlier versions wrote it", () => {
  const ledger = new UploadLedger(new Workspace("/w"), "https://a.example");
  const names = ["/t/s1.jsonl", "/home/ana/.claude/projects/-w/x.jsonl", "", "/t/0.jsonl"]
    .map((path) => ledger.shardPath(path).slice(-6));
  assertEquals(names, ["c5.txt", "c6.txt", "81.txt", "8b.txt"]);
});

Deno.test("serverKey() names a server's ledger folder by its origin and a hash of the whole URL", () => {
  assertMatch(serverKey("https://agnes.example.com"), /^https_agnes\.example\.com-[0-9a-f]{8}$/);
  assertNotEquals(serverKey("https://h.example/a"), serverKey("https://h.example/b"));
});
