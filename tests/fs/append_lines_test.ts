import { assert, assertEquals } from "../_assert.ts";
import { FIXTURES, tempWorkspace } from "../_helpers.ts";
import { appendLines } from "../../lib/fs/append_lines.ts";

Deno.test("appendLines() truncates a failed append back: the file is as it was", async () => {
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

Deno.test("appendLines() leaves no empty file behind when a write to a file it created fails", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-sessions.txt`;
  // A zero file-size limit makes the very first write fail (EFBIG), like a full disk.
  const script = `trap '' XFSZ; ulimit -f 0; exec "$0" run -A --quiet "$1" "$2" "$3"`;
  const output = await new Deno.Command("bash", {
    args: ["-c", script, Deno.execPath(), `${FIXTURES}append_lines.ts`, path, "s\t/t/s.jsonl"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(output.stdout);
  assert(said.startsWith("failed:"), said + new TextDecoder().decode(output.stderr));
  assertEquals([...Deno.readDirSync(workspace.root)], []);
});

Deno.test("appendLines() with restartOverBytes empties a file only when it is over the limit", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/log.txt`;
  await Deno.writeTextFile(path, "12345678\n"); // 9 bytes
  await appendLines(path, ["kept"], { restartOverBytes: 9 });
  assertEquals(await Deno.readTextFile(path), "12345678\nkept\n");
  await Deno.writeTextFile(path, "torn and too long"); // no final \n either
  await appendLines(path, ["fresh"], { restartOverBytes: 9 });
  assertEquals(await Deno.readTextFile(path), "fresh\n");
});

/**
 * In a process of its own (the fault seam reads its variable once), opens an
 * AppendFile at `path`, appends `first` under `fault`, then `second` with a
 * sync; asserts that the first append failed and the process ended well.
 */
async function appendTwiceUnderFault(path: string, fault: string, first: string): Promise<void> {
  const module = new URL("../../lib/fs/append_lines.ts", import.meta.url).href;
  const code = `import { AppendFile } from "${module}";
    using file = AppendFile.open(Deno.args[0]);
    try { file.append([Deno.args[1]]); } catch (error) { console.log("failed: " + error.message); }
    file.append(["second"], true);`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code, path, first],
    env: { AGNES_SESSIONS_TEST_FS_FAULT: fault },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert(said.startsWith("failed:"), said + stderr);
  assertEquals(output.code, 0, stderr);
}

Deno.test("AppendFile kept open goes on appending to the file at its path after its first append fails", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-sessions-uploaded.txt`;
  await appendTwiceUnderFault(path, "append:agnes-sessions-uploaded.txt:1:ENOSPC", "first");
  assertEquals(await Deno.readTextFile(path), "second\n");
});

Deno.test("AppendFile whose half-written row cannot be undone starts its next row on a new line", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-sessions-uploaded.txt`;
  await Deno.writeTextFile(path, "r0\n");
  await appendTwiceUnderFault(path, "write-half:uploaded,truncate:uploaded", "first-row");
  assertEquals(await Deno.readTextFile(path), "r0\nfirst\nsecond\n"); // the torn half, then a row of its own
});
