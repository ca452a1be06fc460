import { assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { STAMP, tempWorkspace } from "../_helpers.ts";
import { readStamp, writeStamp } from "../../lib/store/stamp.ts";
import { RefusedFileError } from "../../mod.ts";

Deno.test("writeStamp writes the time now, readStamp reads the file's modification time", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const path = workspace.file("lastPushStamp");
  assertEquals(readStamp(path), undefined);
  const before = Date.now() - 1000;
  await writeStamp(path);
  assertMatch((await Deno.readTextFile(path)).trim(), STAMP);
  const time = readStamp(path)!;
  assertEquals(time >= before && time <= Date.now() + 1000, true);
});

Deno.test("writeStamp refuses a link and leaves its target alone; readStamp counts it as absent; no .claude/ is created", async () => {
  await using workspace = await tempWorkspace();
  await assertRejects(() => writeStamp(workspace.file("catchUpStamp")));
  assertEquals(await workspace.hasStateDir(), false);
  await workspace.ensureStateDir();
  const target = `${workspace.root}/target.txt`;
  await Deno.writeTextFile(target, "keep");
  await Deno.symlink(target, workspace.file("catchUpStamp"));
  assertEquals(readStamp(workspace.file("catchUpStamp")), undefined);
  await assertRejects(() => writeStamp(workspace.file("catchUpStamp")), RefusedFileError);
  assertEquals(await Deno.readTextFile(target), "keep");
});
