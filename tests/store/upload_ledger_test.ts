import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { UploadLedger } from "../../lib/store/upload_ledger.ts";

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

Deno.test("UploadLedger compacts a shard read with twice as many rows as paths when asked to compact", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  using ledger = new UploadLedger(workspace, "https://a.example");
  for (let version = 0; version < 200; version++) {
    await ledger.record("/t/busy.jsonl", version, version);
  }
  await ledger.compact();
  const shard = [...Deno.readDirSync(ledger.dir)].find((entry) => entry.name.endsWith(".txt"))!;
  const path = `${ledger.dir}/${shard.name}`;
  assertEquals((await Deno.readTextFile(path)).split("\n").length - 1, 200);
  const reader = new UploadLedger(workspace, "https://a.example");
  assertEquals(reader.has("/t/busy.jsonl", 199, 199), true);
  assertEquals((await Deno.readTextFile(path)).split("\n").length - 1, 200); // reading writes nothing
  await reader.compact();
  assertEquals(await Deno.readTextFile(path), "199\t199\t/t/busy.jsonl\n");
});
