import { assert, assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { readLines } from "../../lib/fs/_read_lines.ts";

Deno.test("readLines() reads CRLF and a final line without \\n; a missing file is empty", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/f.txt`;
  const rows = async () => {
    const out = [];
    for await (const row of readLines(path)) out.push(row);
    return out;
  };
  assertEquals(await rows(), []);
  await Deno.writeTextFile(path, "a\r\n\nb");
  assertEquals(await rows(), [{ ok: true, text: "a" }, { ok: true, text: "" }, {
    ok: true,
    text: "b",
  }]);
});

Deno.test("readLines() keeps a row that straddles its 64 KiB chunks, and cuts one over the cap", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/f.txt`;
  const near = "n".repeat(60 * 1024);
  await Deno.writeTextFile(path, `${near}\n${"o".repeat(70 * 1024)}\n${near}\nend`);
  const rows = [];
  for await (const row of readLines(path)) rows.push(row);
  assertEquals(rows.length, 4);
  assertEquals(rows[0], { ok: true, text: near });
  assert(!rows[1]!.ok && rows[1]!.reason === "overlong" && rows[1]!.preview.length === 200);
  assertEquals(rows[2], { ok: true, text: near });
  assertEquals(rows[3], { ok: true, text: "end" });
});
