import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { writeFileAtomic } from "../../lib/fs/write_file_atomic.ts";

Deno.test("writeFileAtomic() sets the mode and leaves no temp file", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/token.json`;
  await writeFileAtomic(path, "{}", { mode: 0o600 });
  await writeFileAtomic(path, '{"a":1}', { mode: 0o600 });
  assertEquals(await Deno.readTextFile(path), '{"a":1}');
  if (Deno.build.os !== "windows") assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  assertEquals([...Deno.readDirSync(workspace.root)].map((entry) => entry.name), ["token.json"]);
});
