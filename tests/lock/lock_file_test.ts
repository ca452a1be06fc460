import { acquireLock, LockTimeoutError, readLockOwner } from "../../mod.ts";
import { lockOpenedFile } from "../../lib/lock/_lock_file.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { firstLine, plantStaleLock, spawnContender } from "../_lock_helpers.ts";
import { readIfExists, spawnCli, tempWorkspace } from "../_helpers.ts";

Deno.test("acquireLock() takes the lock of a holder that died (complete record, no OS lock) at once, in the same file", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await plantStaleLock(path);
  const inode = (await Deno.lstat(path)).ino;
  await using held = await acquireLock(path, { timeoutMs: 0 });
  assertEquals((await readLockOwner(path))?.token, held.owner.token);
  assertEquals((await Deno.lstat(path)).ino, inode);
});

Deno.test("acquireLock() takes a fresh empty lock file whose OS lock is free at once (what the Python tool leaves after every release)", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-queue.lock`;
  await Deno.writeTextFile(path, ""); // just released by the Python tool: young and empty
  await using held = await acquireLock(path, { timeoutMs: 0 });
  assertEquals((await readLockOwner(path))?.token, held.owner.token);
});

Deno.test("a creator that has not yet locked its new lock file loses it to a faster taker: never two holders", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  // A holder between its create and its OS lock...
  const slow = Deno.openSync(path, { read: true, write: true, createNew: true });
  // ...is overtaken by another taker, which locks the very same file.
  await using fast = await acquireLock(path, { timeoutMs: 0 });
  assertEquals(lockOpenedFile(path, slow, "slow"), "it is held by another process");
  assertEquals((await readLockOwner(path))?.token, fast.owner.token);
});

Deno.test("release() clears its own record and keeps the file; it never touches a lock file it does not hold", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  const first = await acquireLock(path);
  await first.release();
  assertEquals(await Deno.readTextFile(path), ""); // the file stays, as the Python tool's does
  const held = await acquireLock(path);
  await Deno.remove(path); // someone (wrongly) removed it and planted another
  await plantStaleLock(path);
  await held.release();
  assertEquals((await readLockOwner(path))?.token, "stale-token");
});

Deno.test("lockOpenedFile() never holds a file the path no longer names (removed and replaced after it was opened)", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;

  /** The naive lock: "I hold the OS lock on the file I opened, so I hold the lock". */
  function naiveLock(file: Deno.FsFile): boolean {
    return file.tryLockSync(true);
  }

  for (const taker of ["naive", "ours"] as const) {
    await Deno.writeTextFile(path, "");
    // Taker B opens the lock file, then is descheduled...
    const late = Deno.openSync(path, { read: true, write: true });
    // ...while the file is removed (an older release of a tool) and A takes the new one.
    await Deno.remove(path);
    const winner = await acquireLock(path, { timeoutMs: 0 });
    if (taker === "naive") {
      // The hazard is real: B holds an OS lock too, on the unlinked file: two holders.
      assertEquals(naiveLock(late), true);
      late.close();
    } else {
      assertMatch(String(lockOpenedFile(path, late, "late")), /replaced while being locked/);
    }
    assertEquals((await readLockOwner(path))?.token, winner.owner.token);
    await assertRejects(() => acquireLock(path, { timeoutMs: 0 }), LockTimeoutError);
    await winner.release();
    await Deno.remove(path);
  }
});

Deno.test("capture-session takes the lock of a holder killed with SIGKILL within its 1 s lock budget (ok, not lock_timeout)", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const holder = spawnContender(["hold", workspace.file("queueLock")]);
  assertEquals(await firstLine(holder.stdout), "held");
  holder.kill("SIGKILL");
  await holder.status;
  await holder.stderr.cancel();
  assert((await readLockOwner(workspace.file("queueLock"))) !== undefined, "lock file left behind");
  const payload = JSON.stringify({ session_id: "after-kill", transcript_path: "/t/a.jsonl" });
  const capture = spawnCli(["capture-session", "--workspace", workspace.root], { stdin: "piped" });
  const writer = capture.stdin.getWriter();
  await writer.write(new TextEncoder().encode(payload));
  await writer.close();
  assertEquals((await capture.status).code, 0);
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "after-kill\t/t/a.jsonl\n");
  // After its 1 s lock budget the outcome would be lock_timeout and nothing queued.
  const log = await Deno.readTextFile(workspace.file("captureLog"));
  assert(log.includes("\tok\t"), log);
});

Deno.test("acquireLock() waits while the Python tool holds flock on the lock file, and never writes into it", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-push.lock`;
  const python = new Deno.Command("python3", {
    args: [
      "-c",
      "import fcntl,os,sys,time\nf=os.open(sys.argv[1],os.O_RDWR|os.O_CREAT|os.O_TRUNC)\nfcntl.flock(f,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(30)",
      path,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    assertEquals(await firstLine(python.stdout), "held");
    const error = await assertRejects(
      () => acquireLock(path, { timeoutMs: 200, purpose: "push" }),
      LockTimeoutError,
    );
    assertMatch(error.message, /held by another process/);
    assertEquals(await Deno.readTextFile(path), ""); // not written
  } finally {
    python.kill("SIGKILL");
    await python.status;
  }
  await using retaken = await acquireLock(path, { timeoutMs: 0, purpose: "push" });
  assertEquals(retaken.owner.purpose, "push");
});

/** Whatever may sit at a lock path instead of a lock file, made at `path`. */
const NOT_LOCK_FILES: [string, (path: string, root: string) => Promise<unknown>][] = [
  ["a dangling symbolic link", (path, root) => Deno.symlink(`${root}/target`, path)],
  ["a link to another file", async (path, root) => {
    await Deno.writeTextFile(`${root}/target`, "precious\n");
    await Deno.symlink(`${root}/target`, path);
  }],
  ["a folder", (path) => Deno.mkdir(path)],
  ["a FIFO", (path) => new Deno.Command("mkfifo", { args: [path] }).output()],
];

for (const [kind, make] of NOT_LOCK_FILES) {
  Deno.test(`acquireLock() on ${kind} ends by its deadline, never following or changing what is there`, async () => {
    await using workspace = await tempWorkspace();
    const path = `${workspace.root}/x.lock`;
    await make(path, workspace.root);
    const before = await readIfExists(`${workspace.root}/target`);
    const error = await assertRejects(
      () => acquireLock(path, { timeoutMs: 100 }),
      LockTimeoutError,
    );
    assertMatch(error.message, /not a lock file|not a regular file/);
    assertEquals(await readIfExists(`${workspace.root}/target`), before); // neither made nor changed
  });
}

Deno.test("acquireLock() on a lock file it may not open for writing ends by its deadline with the reason", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await Deno.writeTextFile(path, "");
  const immutable = Deno.uid() === 0;
  if (immutable) await new Deno.Command("chattr", { args: ["+i", path] }).output();
  else await Deno.chmod(path, 0o444);
  try {
    const error = await assertRejects(
      () => acquireLock(path, { timeoutMs: 100 }),
      LockTimeoutError,
    );
    assertMatch(error.message, /cannot be opened for writing/);
  } finally {
    if (immutable) await new Deno.Command("chattr", { args: ["-i", path] }).output();
  }
});
