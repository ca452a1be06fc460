import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { appendLines } from "../../lib/fs/append_lines.ts";
import { syncFile } from "../../lib/fs/_sync_file.ts";

Deno.test("syncFile() syncs rows appended without a sync, and passes over a missing file", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/log.txt`;
  await appendLines(path, ["a", "b"], { sync: false });
  await syncFile(path);
  await syncFile(`${workspace.root}/missing.txt`);
  assertEquals(await Deno.readTextFile(path), "a\nb\n");
});
