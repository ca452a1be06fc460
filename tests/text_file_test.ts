import { assert, assertEquals } from "./_assert.ts";
import { FIXTURES, tempWorkspace } from "./_helpers.ts";
import { appendLines, mayExist, readLines, writeFileAtomic } from "../mod.ts";
import { dirName } from "../lib/_path.ts";

Deno.test("a failed append is truncated back: the file is as it was", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/queue.txt`;
  const before = "s\t/t/" + "x".repeat(1000); // 1006 bytes, torn: no final \n
  await Deno.writeTextFile(path, before);
  // A 1 KiB file-size limit makes the write fail part-way (EFBIG), like a full disk.
  const script = `trap '' XFSZ; ulimit -f 1; exec "$0" run -A --quiet "$1" "$2" "$3"`;
  const output = await new Deno.Command("bash", {
    args: ["-c", script, Deno.execPath(), `${FIXTURES}append_lines.ts`, path, "y".repeat(100)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(output.stdout);
  assert(said.startsWith("failed:"), said + new TextDecoder().decode(output.stderr));
  assertEquals(await Deno.readTextFile(path), before);
  // The next append that fits repairs the torn line and lands on its own row.
  await appendLines(path, ["next"]);
  assertEquals(await Deno.readTextFile(path), before + "\nnext\n");
});

Deno.test("readLines reads CRLF and a final line without \\n; a missing file is empty", async () => {
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

Deno.test("readLines keeps a row that straddles its 64 KiB chunks, and cuts one over the cap", async () => {
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

Deno.test("writeFileAtomic sets the mode and leaves no temp file", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/token.json`;
  await writeFileAtomic(path, "{}", { mode: 0o600 });
  await writeFileAtomic(path, '{"a":1}', { mode: 0o600 });
  assertEquals(await Deno.readTextFile(path), '{"a":1}');
  if (Deno.build.os !== "windows") assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  assertEquals([...Deno.readDirSync(workspace.root)].map((entry) => entry.name), ["token.json"]);
});

Deno.test("mayExist: false only when the folder holds no name like it", async () => {
  await using workspace = await tempWorkspace();
  const dir = workspace.root;
  assertEquals(mayExist(`${dir}/agnes-sessions.txt`), false);
  assertEquals(mayExist(`${dir}/no-such-folder/agnes-sessions.txt`), false);
  await Deno.writeTextFile(`${dir}/Agnes-Sessions.TXT`, "");
  assertEquals(mayExist(`${dir}/agnes-sessions.txt`), true); // as a case-blind file system sees it
  await Deno.symlink("/nowhere", `${dir}/link.txt`);
  assertEquals(mayExist(`${dir}/link.txt`), true); // a dangling link is still a name
  await Deno.writeTextFile(`${dir}/caf\u00e9.txt`, "");
  assertEquals(mayExist(`${dir}/cafe\u0301.txt`), true); // NFD and NFC name the same file on macOS
});

Deno.test("dirName: the folder part, roots kept", () => {
  assertEquals(dirName("/w/.claude/agnes-sessions.txt"), "/w/.claude");
  assertEquals(dirName("/w/.claude/"), "/w");
  assertEquals(dirName("/x"), "/");
  assertEquals(dirName("C:\\w\\x.txt"), "C:\\w");
  assertEquals(dirName("C:\\x.txt"), "C:\\");
  assertEquals(dirName("x.txt"), ".");
});

Deno.test("appendLines restartOverBytes empties a file only when it is over the limit", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/log.txt`;
  await Deno.writeTextFile(path, "12345678\n"); // 9 bytes
  await appendLines(path, ["kept"], { restartOverBytes: 9 });
  assertEquals(await Deno.readTextFile(path), "12345678\nkept\n");
  await Deno.writeTextFile(path, "torn and too long"); // no final \n either
  await appendLines(path, ["fresh"], { restartOverBytes: 9 });
  assertEquals(await Deno.readTextFile(path), "fresh\n");
});
