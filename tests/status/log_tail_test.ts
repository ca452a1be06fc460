import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { readLogTail } from "../../lib/status/_log_tail.ts";

Deno.test("readLogTail() counts every row and keeps the last ones split into fields; a missing log is empty", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/log.txt`;
  await Deno.writeTextFile(path, "1\ta\n2\tb\n3\tc\n");
  assertEquals(await readLogTail(path, 2), { total: 3, last: [["2", "b"], ["3", "c"]] });
  assertEquals(await readLogTail(`${workspace.root}/missing.txt`, 2), { total: 0, last: [] });
});
