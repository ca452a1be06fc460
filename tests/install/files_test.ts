import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { readSmallFile } from "../../lib/install/files.ts";

Deno.test("readSmallFile() says missing, or unreadable for a folder, and never throws", async () => {
  await using dir = await tempWorkspace();
  assertEquals(readSmallFile(`${dir.root}/agnes-private.md`), { state: "missing" });
  assertEquals(readSmallFile(dir.root).state, "unreadable");
  await Deno.writeTextFile(`${dir.root}/a.md`, "text");
  assertEquals(readSmallFile(`${dir.root}/a.md`), { state: "ok", text: "text" });
});
