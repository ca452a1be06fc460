import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { folderListsName } from "../../lib/fs/regular_file.ts";

Deno.test("folderListsName() is false only when the folder holds no name like it", async () => {
  await using workspace = await tempWorkspace();
  const dir = workspace.root;
  assertEquals(folderListsName(`${dir}/agnes-sessions.txt`), false);
  assertEquals(folderListsName(`${dir}/no-such-folder/agnes-sessions.txt`), false);
  await Deno.writeTextFile(`${dir}/Agnes-Sessions.TXT`, "");
  assertEquals(folderListsName(`${dir}/agnes-sessions.txt`), true); // as a case-blind file system sees it
  await Deno.symlink("/nowhere", `${dir}/link.txt`);
  assertEquals(folderListsName(`${dir}/link.txt`), true); // a dangling link is still a name
  await Deno.writeTextFile(`${dir}/caf\u00e9.txt`, "");
  assertEquals(folderListsName(`${dir}/cafe\u0301.txt`), true); // NFD and NFC name the same file on macOS
});
