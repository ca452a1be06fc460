/**
 * The Python `agnes` tool and ours share a workspace: both take the same lock
 * files, each its own way. These tests run the Python tool's locking
 * (`filelock` when installed, else the same algorithm written with the
 * standard library) against ours.
 */

import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { FIXTURES, readRows, runCli, tempWorkspace } from "../_helpers.ts";
import { acquireLock, LockTimeoutError } from "../../mod.ts";
import { python } from "../_lock_helpers.ts";

const PYTHON_LOCK = `${FIXTURES}python_lock.py`;
const CONTENDER = `${FIXTURES}lock_contender.ts`;

/** Runs a process to its end (killed after 60 s) and returns its stdout lines. */
async function lines(program: string, args: string[]): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(program, {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assertEquals(code, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim().split("\n");
}

Deno.test("the Python tool's filelock and our lock alternate 200 + 200 times on one lock file: no overlap, no row lost", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const [lock, queue, marker] = [
    workspace.file("queueLock"),
    workspace.file("queue"),
    `${workspace.root}/inside`,
  ];
  const [pythonOut, denoOut] = await Promise.all([
    lines(await python(), [PYTHON_LOCK, lock, queue, marker, "200", "py"]),
    lines(Deno.execPath(), ["run", "-A", CONTENDER, "marked", lock, queue, marker, "200", "ts"]),
  ]);
  assertEquals(pythonOut.filter((line) => line === "overlap"), []);
  assertEquals(denoOut, ["done"]);
  assert(pythonOut.at(-1)!.startsWith("done "), pythonOut.join("\n"));
  const rows = (await readRows(queue)).map((row) => row.join("\t"));
  const expected = ["py", "ts"].flatMap((tag) =>
    Array.from({ length: 200 }, (_, i) => `${tag}-${i}\t/t/${tag}-${i}.jsonl`)
  );
  assertEquals(new Set(rows), new Set(expected));
  assertEquals(rows.length, 400);
});

Deno.test("capture-session loses no capture while the Python tool keeps taking and releasing the queue lock", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const [lock, queue, marker] = [
    workspace.file("queueLock"),
    workspace.file("queue"),
    `${workspace.root}/inside`,
  ];
  const pythonRun = lines(await python(), [
    PYTHON_LOCK,
    lock,
    queue,
    marker,
    "until-stopped",
    "py",
  ]);
  for (let i = 0; i < 30; i++) {
    const stdin = JSON.stringify({ session_id: `c-${i}`, transcript_path: `/t/c-${i}.jsonl` });
    const result = await runCli(["capture-session", "--workspace", workspace.root], { stdin });
    assertEquals(result.code, 0);
  }
  await Deno.writeTextFile(`${marker}.stop`, "");
  assertEquals((await pythonRun).filter((line) => line === "overlap"), []);
  const outcomes = (await readRows(workspace.file("captureLog"))).map((row) => row[1]);
  assertEquals(outcomes, Array(30).fill("ok")); // before: most were lock_timeout
  const rows = await readRows(queue);
  assertEquals(rows.filter((row) => row[0]!.startsWith("c-")).length, 30);
  const pythonRounds = rows.filter((row) => row[0]!.startsWith("py-")).length;
  assert(pythonRounds >= 30, `the Python tool took the lock only ${pythonRounds} times`);
});

Deno.test("a Python process that opened the lock file just before our release holds the file our next taker waits on: never two holders", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-push.lock`;
  const go = `${workspace.root}/go`;
  const ours = await acquireLock(path, { purpose: "push" });
  const python = new Deno.Command("python3", {
    args: [PYTHON_LOCK, path, "open-then-lock", go],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const output = python.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  /** The next line the Python process prints. */
  const nextLine = async (): Promise<string | undefined> => {
    while (!pending.includes("\n")) {
      const { value, done } = await output.read();
      if (done) return undefined;
      pending += value;
    }
    const [line, ...rest] = pending.split("\n");
    pending = rest.join("\n");
    return line;
  };
  try {
    assertEquals(await nextLine(), "opened"); // it opened the file we hold...
    await ours.release(); // ...we release (were the file removed here, it would lock an unlinked one)...
    await Deno.writeTextFile(go, "");
    assertEquals(await nextLine(), "held"); // ...it takes its OS lock...
    // ...and our next taker must wait for it, not lock a new file beside it.
    await assertRejects(() => acquireLock(path, { timeoutMs: 200 }), LockTimeoutError);
  } finally {
    python.kill("SIGKILL");
    await python.status;
    await output.cancel();
  }
});
