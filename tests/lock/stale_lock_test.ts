import { acquireLock, LockTimeoutError, readLockOwner } from "../../mod.ts";
import { breakStaleLock } from "../../lib/lock/_stale_lock.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { firstLine, plantStaleLock, spawnContender } from "../_lock_helpers.ts";
import { spawnCli, tempWorkspace } from "../_helpers.ts";

Deno.test("acquireLock() breaks a stale lock (complete record, nobody holding it) at once", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await plantStaleLock(path);
  await using held = await acquireLock(path, { timeoutMs: 0 });
  assertEquals((await readLockOwner(path))?.token, held.owner.token);
});

Deno.test("acquireLock() treats an incomplete record as held during the grace period, stale after it", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await Deno.writeTextFile(path, '{"pid": 1'); // a holder between its create and its record
  await assertRejects(() => acquireLock(path, { timeoutMs: 0, graceMs: 60_000 }), LockTimeoutError);
  assertEquals(await Deno.readTextFile(path), '{"pid": 1');
  const old = new Date(Date.now() - 120_000);
  await Deno.utime(path, old, old);
  await using held = await acquireLock(path, { timeoutMs: 0, graceMs: 60_000 });
  assertEquals(held.owner.pid, Deno.pid);
});

Deno.test("release() never removes a lock whose token is not ours", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  const held = await acquireLock(path);
  await Deno.remove(path); // someone (wrongly) broke it and took it
  await plantStaleLock(path);
  await held.release();
  assertEquals((await readLockOwner(path))?.token, "stale-token");
});

Deno.test("breakStaleLock() never removes the lock that replaced the stale file it opened (ABA)", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;

  /** The naive break: "nobody holds the OS lock, so remove the path". */
  async function naiveBreak(file: Deno.FsFile): Promise<void> {
    if (await file.tryLock(true)) await Deno.remove(path);
  }

  for (const breaker of ["naive", "ours"] as const) {
    await plantStaleLock(path);
    // Contender B opens the stale file, then is descheduled...
    const late = await Deno.open(path, { read: true, write: true });
    // ...while contender A breaks the stale lock and takes a fresh one.
    const winner = await acquireLock(path, { timeoutMs: 0 });
    // B wakes up and probes the file it opened earlier.
    if (breaker === "naive") await naiveBreak(late);
    else assertEquals(await breakStaleLock(path, late, 2_000), true);
    late.close();
    const owner = await readLockOwner(path);
    if (breaker === "naive") {
      // The hazard is real: the naive break removed A's live lock, so B could take it too.
      assertEquals(owner, undefined);
    } else {
      assertEquals(owner?.token, winner.owner.token);
      await assertRejects(() => acquireLock(path, { timeoutMs: 0 }), LockTimeoutError);
    }
    await winner.release();
  }
});

Deno.test("capture-session breaks the lock of a holder killed with SIGKILL within its 1 s lock budget (ok, not lock_timeout)", async () => {
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

Deno.test("acquireLock() takes the Python tool's empty leftover lock file, and waits while it holds flock", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/agnes-push.lock`;
  await Deno.writeTextFile(path, ""); // what the Python tool leaves behind
  const old = new Date(Date.now() - 60_000);
  await Deno.utime(path, old, old);
  const taken = await acquireLock(path, { timeoutMs: 0, purpose: "push" });
  await taken.release();

  const python = new Deno.Command("python3", {
    args: [
      "-c",
      "import fcntl,sys,time\nf=open(sys.argv[1],'w')\nfcntl.flock(f,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(30)",
      path,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    assertEquals(await firstLine(python.stdout), "held");
    await Deno.utime(path, old, old);
    await assertRejects(
      () => acquireLock(path, { timeoutMs: 200, purpose: "push" }),
      LockTimeoutError,
    );
    assertEquals(await Deno.readTextFile(path), ""); // not broken, not written
  } finally {
    python.kill("SIGKILL");
    await python.status;
  }
  await using retaken = await acquireLock(path, { timeoutMs: 0, purpose: "push" });
  assertEquals(retaken.owner.purpose, "push");
});

/** Makes a folder's entries impossible to remove (even for root), and undoes it. */
async function freezeFolder(dir: string, frozen: boolean): Promise<void> {
  if (Deno.uid() === 0) {
    const { code } = await new Deno.Command("chattr", { args: [frozen ? "+i" : "-i", dir] })
      .output();
    assertEquals(code, 0, "chattr is needed to make a folder read-only for root");
  } else {
    await Deno.chmod(dir, frozen ? 0o555 : 0o755);
  }
}

Deno.test("release() leaves a lock file it cannot remove stale, and the next taker breaks it", async () => {
  await using workspace = await tempWorkspace();
  const dir = `${workspace.root}/locks`;
  await Deno.mkdir(dir);
  const path = `${dir}/x.lock`;
  const held = await acquireLock(path);
  await freezeFolder(dir, true);
  try {
    await held.release(); // does not throw: the work under the lock stays a success
    assertEquals((await readLockOwner(path))?.token, held.owner.token); // left behind...
  } finally {
    await freezeFolder(dir, false);
  }
  await using next = await acquireLock(path, { timeoutMs: 0 }); // ...and broken as stale
  assertEquals(next.owner.pid, Deno.pid);
});
