import { assert, assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import {
  countRows,
  type LineRecord,
  readLineBatches,
  readLineBatchesSync,
  readLines,
} from "../../lib/fs/read_lines.ts";

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

Deno.test("readLines() keeps a row that straddles its chunks, and cuts one over the cap", async () => {
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

/** Rows as read one at a time by the simple rule, for comparison with the fast path. */
function expectedRows(bytes: Uint8Array, maxLineBytes: number): LineRecord[] {
  const rows: LineRecord[] = [];
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    let line = bytes.subarray(start, end);
    const overlong = line.length > maxLineBytes;
    if (line.at(-1) === 0x0d && !overlong) line = line.subarray(0, -1);
    if (overlong) rows.push({ ok: false, reason: "overlong", preview: "" });
    else if (line.includes(0)) rows.push({ ok: false, reason: "nul_byte", preview: "" });
    else {
      try {
        rows.push({ ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(line) });
      } catch {
        rows.push({ ok: false, reason: "invalid_utf8", preview: "" });
      }
    }
    start = end + 1;
  }
  return rows;
}

/** Drops previews, which only the reader's own rule defines. */
function withoutPreview(rows: LineRecord[]): LineRecord[] {
  return rows.map((row) => row.ok ? row : { ok: false, reason: row.reason, preview: "" });
}

Deno.test("readLineBatches() and readLineBatchesSync() read a random mix of rows exactly as row-by-row decoding does, across chunk ends", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/mixed.txt`;
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pieces = ["a\tb", "é😀", "\r", "\0", "\xff", "x".repeat(3000), "", "\t/p.jsonl"];
  const encoder = new TextEncoder();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let row = 0; row < 4000; row++) {
    const count = Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const piece = pieces[Math.floor(random() * pieces.length)]!;
      parts.push(piece === "\xff" ? new Uint8Array([0xff]) : encoder.encode(piece));
    }
    parts.push(new Uint8Array([0x0a]));
  }
  parts.push(encoder.encode("last row without a line end"));
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  await Deno.writeFile(path, bytes);
  const maxLineBytes = 8000;
  const expected = expectedRows(bytes, maxLineBytes);
  const read: LineRecord[] = [];
  for await (const batch of readLineBatches(path, maxLineBytes)) read.push(...batch);
  assertEquals(withoutPreview(read), expected);
  assertEquals(withoutPreview([...readLineBatchesSync(path, maxLineBytes)].flat()), expected);
  assertEquals(countRows(path), expected.length);
});

Deno.test("countRows() counts line ends and an unfinished last row; a missing file has none", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/rows.txt`;
  assertEquals(countRows(path), 0);
  await Deno.writeTextFile(path, "");
  assertEquals(countRows(path), 0);
  await Deno.writeTextFile(path, "a\n\nb");
  assertEquals(countRows(path), 3);
  await Deno.writeTextFile(path, "a\n".repeat(100_000));
  assertEquals(countRows(path), 100_000);
});
