import { assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { readFileBounded } from "../../lib/fs/read_bounded.ts";
import { RefusedFileError } from "../../lib/fs/regular_file.ts";

Deno.test("readFileBounded() refuses a FIFO, a device, a folder and any symbolic link without reading them", async () => {
  await using workspace = await tempWorkspace();
  const root = workspace.root;
  await new Deno.Command("mkfifo", { args: [`${root}/fifo`] }).output();
  await Deno.writeTextFile(`${root}/real.txt`, "secret\n");
  await Deno.symlink("/dev/zero", `${root}/zero`);
  await Deno.symlink(`${root}/real.txt`, `${root}/link`);
  await Deno.symlink(`${root}/nowhere`, `${root}/dangling`);
  await Deno.mkdir(`${root}/folder`);
  for (
    const path of ["fifo", "zero", "link", "dangling", "folder"].map((name) => `${root}/${name}`)
  ) {
    assertThrows(() => readFileBounded(path, 1024), RefusedFileError);
  }
  assertThrows(() => readFileBounded("/dev/zero", 1024), RefusedFileError);
});

Deno.test("readFileBounded() reads a file of exactly the cap and refuses one byte more", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/ids.txt`;
  await Deno.writeFile(path, new Uint8Array(64).fill(0x61));
  assertEquals(readFileBounded(path, 64)?.length, 64);
  const error = await assertRejects(
    () => Promise.resolve().then(() => readFileBounded(path, 63)),
    RefusedFileError,
  );
  assertEquals(error.message, `Cannot read "${path}": it is larger than 63 bytes`);
  assertEquals(readFileBounded(`${workspace.root}/missing.txt`, 64), undefined);
});
