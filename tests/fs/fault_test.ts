import { assertEquals } from "../_assert.ts";
import { FIXTURES, runScript } from "../_helpers.ts";

const PROBE = `${FIXTURES}fault_probe.ts`;

/** What the seam plans for each `op:path` in a process with `spec` set (and `flags`). */
async function probe(spec: string, operations: string[], flags?: string[]) {
  const result = await runScript(PROBE, operations, {
    env: { AGNES_SESSIONS_TEST_FS_FAULT: spec },
    ...(flags === undefined ? {} : { flags }),
  });
  assertEquals(result.stderr, "");
  return JSON.parse(result.stdout);
}

const ENOSPC = { name: "Error", code: "ENOSPC", message: "No space left on device (os error 28)" };

Deno.test("plannedFault() fails only the n-th operation whose op and path match", async () => {
  const answers = await probe("append:agnes-sessions.txt:2:ENOSPC", [
    "append:/w/.claude/agnes-sessions.txt",
    "sync:/w/.claude/agnes-sessions.txt", // another op: not counted
    "append:/w/.claude/agnes-sessions-failed.txt", // another file: not counted
    "append:/w/.claude/agnes-sessions.txt",
    "append:/w/.claude/agnes-sessions.txt",
  ]);
  assertEquals(answers, [null, null, null, ENOSPC, null]);
});

Deno.test("plannedFault() takes several specs, n and errno in either order, EIO and the first time by default", async () => {
  const answers = await probe("sync:failed:EIO,rename:snapshot:EXDEV:1,write:ledger", [
    "rename:/w/.claude/agnes-sessions.snapshot.1.0a0b0c0d.txt",
    "sync:/w/.claude/agnes-sessions-failed.txt",
    "write:/w/.claude/agnes-sessions-ledger/h-1/ab.txt.1234abcd.tmp",
  ]);
  assertEquals(answers, [
    { name: "Error", code: "EXDEV", message: "Invalid cross-device link (os error 18)" },
    { name: "Error", code: "EIO", message: "Input/output error (os error 5)" },
    { name: "Error", code: "EIO", message: "Input/output error (os error 5)" },
  ]);
});

Deno.test("plannedFault() throws a Deno.errors class where Deno has one for the errno", async () => {
  const answers = await probe("append:a:EACCES,append:b:ENOENT,append:c:EROFS", [
    "append:/a",
    "append:/b",
    "append:/c",
  ]);
  assertEquals(answers.map((answer: { name: string }) => answer.name), [
    "PermissionDenied",
    "NotFound",
    "Error",
  ]);
});

Deno.test("plannedFault() plans nothing without env permission", async () => {
  const answers = await probe("append:a", ["append:/a"], ["--allow-read", "--no-prompt"]);
  assertEquals(answers, [null]);
});
