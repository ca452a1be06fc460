import {
  acquireLock,
  breakStaleLock,
  type LockOwner,
  LockTimeoutError,
  readLockOwner,
  withLock,
} from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "./_assert.ts";
import { FIXTURES, readIfExists, spawnCli, tempWorkspace } from "./_helpers.ts";

const CONTENDER = `${FIXTURES}lock_contender.ts`;

/** A lock file left by a process that died: complete owner record, no OS lock. */
async function plantStaleLock(path: string): Promise<void> {
  const owner: LockOwner = {
    pid: 999_999,
    host: "elsewhere",
    token: "stale-token",
    created: new Date(0).toISOString(),
    purpose: "crashed",
  };
  await Deno.writeTextFile(path, JSON.stringify(owner) + "\n");
}

function spawnContender(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CONTENDER, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text.trim();
}

Deno.test("a held lock times out a second taker; release removes it; release twice is fine", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  const held = await acquireLock(path, { purpose: "first" });
  assertEquals((await readLockOwner(path))?.pid, Deno.pid);
  const error = await assertRejects(() => acquireLock(path, { timeoutMs: 0 }), LockTimeoutError);
  assert(error.message.startsWith("Cannot take lock"));
  await assertRejects(() => acquireLock(path, { timeoutMs: 150 }), LockTimeoutError);
  await held.release();
  await held.release();
  assertEquals(await readIfExists(path), undefined);
  assertEquals(await withLock(path, () => "again", { timeoutMs: 0 }), "again");
});

Deno.test("the owner record names pid, host, token, creation time and purpose", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await using held = await acquireLock(path, { purpose: "push" });
  const owner = await readLockOwner(path);
  assertEquals(owner, held.owner);
  assertEquals(owner?.purpose, "push");
  assertMatch(owner!.token, /^[0-9a-f]{32}$/);
  assertMatch(owner!.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assertEquals(owner!.pid, Deno.pid);
  assert(owner!.host !== "");
  const tokens = new Set<string>();
  for (let round = 0; round < 50; round++) {
    const again = await acquireLock(`${path}.${round}`);
    tokens.add(again.owner.token);
    await again.release();
  }
  assertEquals(tokens.size, 50);
});

Deno.test("a stale lock (complete record, nobody holding it) is broken at once", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await plantStaleLock(path);
  await using held = await acquireLock(path, { timeoutMs: 0 });
  assertEquals((await readLockOwner(path))?.token, held.owner.token);
});

Deno.test("an incomplete record is held during the grace period, stale after it", async () => {
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

Deno.test("release never removes a lock whose token is not ours", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  const held = await acquireLock(path);
  await Deno.remove(path); // someone (wrongly) broke it and took it
  await plantStaleLock(path);
  await held.release();
  assertEquals((await readLockOwner(path))?.token, "stale-token");
});

Deno.test("ABA: a contender holding the old stale file never removes the lock that replaced it", async () => {
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

Deno.test("8 processes racing to break stale locks, 10 rounds: never two holders at once", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/race.lock`;
  let acquisitions = 0;
  for (let round = 0; round < 10; round++) {
    await plantStaleLock(path);
    const children = Array.from(
      { length: 8 },
      () => spawnContender(["race", path, workspace.root]),
    );
    const outputs = await Promise.all(children.map((child) => child.output()));
    for (const output of outputs) {
      assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
      assertEquals(new TextDecoder().decode(output.stdout), "", "two holders at once");
      acquisitions++;
    }
  }
  assertEquals(acquisitions, 80); // every contender got the lock, each time by breaking a stale one
});

Deno.test("a lock holder killed with SIGKILL: the next capture succeeds within 1 s", async () => {
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const holder = spawnContender(["hold", workspace.file("queueLock")]);
  assertEquals(await firstLine(holder.stdout), "held");
  holder.kill("SIGKILL");
  await holder.status;
  await holder.stderr.cancel();
  assert((await readLockOwner(workspace.file("queueLock"))) !== undefined, "lock file left behind");
  const started = performance.now();
  const payload = JSON.stringify({ session_id: "after-kill", transcript_path: "/t/a.jsonl" });
  const capture = spawnCli(["capture-session", "--workspace", workspace.root], { stdin: "piped" });
  const writer = capture.stdin.getWriter();
  await writer.write(new TextEncoder().encode(payload));
  await writer.close();
  assertEquals((await capture.status).code, 0);
  const elapsed = performance.now() - started;
  assertEquals(await Deno.readTextFile(workspace.file("queue")), "after-kill\t/t/a.jsonl\n");
  const log = await Deno.readTextFile(workspace.file("captureLog"));
  assert(log.includes("\tok\t"), log);
  // The capture's own lock wait is capped at 1 s; the rest is process start-up.
  assert(elapsed < 5_000, `capture took ${elapsed} ms`);
});

Deno.test("Python interop: an empty leftover push lock is stale; one held by flock is held", async () => {
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

Deno.test("4 concurrent writers x 50 appends give 200 well-formed rows", async () => {
  await using workspace = await tempWorkspace();
  const writers = ["a", "b", "c", "d"].map((tag) =>
    spawnContender(["append", workspace.root, "50", tag]).output()
  );
  for (const output of await Promise.all(writers)) {
    assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  }
  const rows = (await Deno.readTextFile(workspace.file("queue"))).split("\n");
  assertEquals(rows.pop(), "");
  assertEquals(rows.length, 200);
  const expected = new Set(
    ["a", "b", "c", "d"].flatMap((tag) =>
      Array.from({ length: 50 }, (_, i) => `${tag}-${i}\t/t/${tag}-${i}.jsonl`)
    ),
  );
  assertEquals(new Set(rows), expected);
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

Deno.test("a lock file that cannot be removed on release is left stale, and the next taker breaks it", async () => {
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
