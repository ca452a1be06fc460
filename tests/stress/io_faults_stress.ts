/**
 * I/O faults under the hooks and push:
 *
 * - a full disk on the queue append, the requeue, the logs and the ledger:
 *   `ulimit -f` in a `bash -c` wrapper makes a write past the limit fail
 *   with EFBIG, a stand-in for ENOSPC (both are a write the file system
 *   refuses part-way); limits and file sizes are drawn at random, so each
 *   round fails a different write;
 * - random faults through the file layer's seam
 *   (`AGNES_SESSIONS_TEST_FS_FAULT`, `lib/fs/fault.ts`): one or two of an
 *   append, a half write, a temp file's write, a sync or a rename, on a file
 *   the push writes, the n-th time, with ENOSPC, EIO, EDQUOT or EROFS — the
 *   failures `ulimit -f` cannot make (an fsync, a rename, a chosen write);
 * - a read-only `.claude/` (`chattr +i` on the folder, then on everything in
 *   it; root only, always undone in `finally`);
 * - permission denied (capture and push run as `nobody` against files root
 *   owns; root only).
 *
 * Invariants: hooks exit 0; nothing torn (every row of every file of ours
 * whole, every file ending in `\n`); a push deletes nothing it has not
 * recorded (after the fault each session is still in the queue, a snapshot,
 * the failed log or the ledger); and once the fault is lifted a clean push
 * puts every session on the server. Duplicates may only come from uploads
 * the server stored while the ledger write failed.
 */

import { assert, assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { acquireLock, listSnapshots, readQueueFile, type Workspace } from "../../mod.ts";
import { parseQueueLine } from "../../lib/store/queue_entry.ts";
import { LEDGER_DIR } from "../../lib/store/upload_ledger.ts";
import { linesOf, tempFiles } from "./_checks.ts";
import { cliArgs, type Finished, runCliMeasured, runMeasured } from "./_proc.ts";
import { duplicateStores, type PushHarness, pushHarness } from "./_push_harness.ts";
import { type Random, seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

const CAPTURE_ROUNDS = scaled(16, 4);
const PUSH_ROUNDS = scaled(24, 4);
const SEAM_ROUNDS = scaled(40, 8);
const ISO = "2026-01-01T00:00:00Z";
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NOBODY = 65534;

/** Runs the CLI with a file-size limit of `kib` KiB: a write past it fails with EFBIG. */
function limited(kib: number, args: string[], env: Record<string, string>, stdin?: string) {
  const script = `trap '' XFSZ; ulimit -f ${kib}; exec "$0" "$@"`;
  return runMeasured("bash", ["-c", script, Deno.execPath(), ...cliArgs(...args)], {
    env,
    deadlineMs: 60_000,
    ...(stdin === undefined ? {} : { stdin }),
  });
}

/** What a capture said it did (`--verbose`). */
function saidOutcome(result: Finished): string {
  const lines = result.stderr.split("\n").filter((line) => !line.includes(" workspace "));
  return /^capture-session: (\w+)/m.exec(lines.join("\n"))?.[1] ?? "";
}

/** Writes rows made by `make(padding)` to `path`, exactly `target` bytes in all. */
async function fillTo(path: string, target: number, make: (pad: string) => string) {
  const overhead = make("").length;
  let text = "";
  while (target - text.length - (overhead + 40) >= overhead) text += make("x".repeat(40));
  const rest = target - text.length - overhead;
  if (rest >= 0) text += make("x".repeat(rest));
  await Deno.writeTextFile(path, text);
}

/** Every row of every file of ours that is not whole, and every file not ending in `\n`. */
async function tornRows(workspace: Workspace): Promise<string[]> {
  const problems: string[] = [];
  const check = async (path: string, rowOk: (fields: string[], line: string) => boolean) => {
    const { lines, tornEnd } = await linesOf(path);
    if (tornEnd) problems.push(`${path}: the last row has no \\n`);
    for (const line of lines) {
      if (!rowOk(line.split("\t"), line)) problems.push(`${path}: ${line.slice(0, 100)}`);
    }
  };
  const queueRow = (_: string[], line: string) => typeof parseQueueLine(line) !== "string";
  await check(workspace.file("queue"), queueRow);
  for (const snapshot of await listSnapshots(workspace)) await check(snapshot, queueRow);
  await check(workspace.file("failedLog"), (f) => f.length === 4 && STAMP.test(f[0]!));
  await check(workspace.file("uploadedLog"), (f) => f.length >= 2 && STAMP.test(f[0]!));
  await check(workspace.file("privateSkippedLog"), (f) => f.length === 3 && STAMP.test(f[0]!));
  await check(workspace.file("captureLog"), (f) => f.length >= 2 && STAMP.test(f[0]!));
  const ledger = `${workspace.stateDir}/${LEDGER_DIR}`;
  for (const server of await Array.fromAsync(Deno.readDir(ledger)).catch(() => [])) {
    for (const shard of Deno.readDirSync(`${ledger}/${server.name}`)) {
      if (!shard.name.endsWith(".txt") || shard.name === "local-md.txt") continue;
      await check(
        `${ledger}/${server.name}/${shard.name}`,
        (f) => f.length === 3 && /^\d+$/.test(f[0]!) && /^\d+$/.test(f[1]!),
      );
    }
  }
  return problems;
}

/** Sessions (by path) in none of: the queue, a snapshot, the failed log, the ledger. */
async function unrecorded(h: PushHarness, paths: readonly string[]): Promise<string[]> {
  const recorded = new Set<string>(await h.ledgerPaths());
  for (const file of [h.workspace.file("queue"), ...await listSnapshots(h.workspace)]) {
    for (const entry of (await readQueueFile(file)).entries) recorded.add(entry.path);
  }
  for (const line of (await linesOf(h.workspace.file("failedLog"))).lines) {
    recorded.add(line.split("\t")[3] ?? "");
  }
  return paths.filter((path) => !recorded.has(path));
}

/** The scenario's tallies. */
interface Tally {
  lost: number;
  torn: number;
  leftovers: number;
  /** Uploads the server stored that the ledger does not record: each may be sent again. */
  unrecordedUploads: number;
  /** Uploads the server stored more than once. */
  duplicates: number;
  problems: string[];
  faulted: number;
}

/** After a fault: nothing torn, nothing deleted unrecorded, uploads the ledger missed counted. */
async function afterFault(
  h: PushHarness,
  paths: readonly string[],
  storesBefore: ReadonlyMap<string, number>,
  tally: Tally,
  label: string,
) {
  const torn = await tornRows(h.workspace);
  tally.torn += torn.length;
  tally.problems.push(...torn.map((problem) => `${label}: torn: ${problem}`));
  const missing = await unrecorded(h, paths);
  tally.lost += missing.length;
  tally.problems.push(...missing.map((path) => `${label}: deleted unrecorded: ${path}`));
  const ledger = await h.ledgerPaths();
  tally.unrecordedUploads +=
    [...h.stores].filter(([name, count]) =>
      count > (storesBefore.get(name) ?? 0) && !ledger.has(`${h.projects}/-w/${name}`)
    ).length;
}

/** The fault lifted: a clean push (retrying failures) puts every session on the server. */
async function cleanPush(h: PushHarness, paths: readonly string[], tally: Tally, label: string) {
  h.statuses.clear();
  const result = await runCliMeasured(["push", "--json", "--retry-failed"], {
    env: h.env,
    deadlineMs: 120_000,
  });
  if (result.code !== 0) {
    tally.problems.push(`${label}: clean push exit ${result.code}: ${result.stderr}`);
  }
  const stored = await h.stored();
  const missing = paths.filter((path) => !stored.has(path.slice(path.lastIndexOf("/") + 1)));
  tally.lost += missing.length;
  tally.problems.push(...missing.map((path) => `${label}: not delivered after the fault: ${path}`));
  tally.duplicates += duplicateStores(h.stores);
  const debris = [...tempFiles(h.workspace.stateDir), ...await listSnapshots(h.workspace)];
  tally.leftovers += debris.length;
  tally.problems.push(...debris.map((path) => `${label}: left over: ${path}`));
}

/** A full disk under capture: the append fails or lands whole; the hook exits 0 either way. */
async function captureRounds(random: Random, tally: Tally) {
  for (let round = 0; round < CAPTURE_ROUNDS; round++) {
    await using workspace = await tempWorkspace();
    await workspace.ensureStateDir();
    const kib = random.int(1, 4);
    await fillTo(
      workspace.file("queue"),
      kib * 1024 - random.int(0, 48),
      (pad) => `p\t/t/${pad}.jsonl\n`,
    );
    if (random.chance(0.5)) {
      await fillTo(
        workspace.file("captureLog"),
        kib * 1024 - random.int(0, 80),
        (pad) => `${ISO}\tok\t${pad}\n`,
      );
    }
    const before = await Deno.readTextFile(workspace.file("queue"));
    const row = `c${round}\t/t/c${round}.jsonl\n`;
    const stdin = JSON.stringify({
      session_id: `c${round}`,
      transcript_path: `/t/c${round}.jsonl`,
    });
    const result = await limited(
      kib,
      ["capture-session", "--verbose", "--workspace", workspace.root],
      {},
      stdin,
    );
    const said = saidOutcome(result);
    const after = await Deno.readTextFile(workspace.file("queue"));
    const label = `capture round ${round} (${kib} KiB)`;
    if (result.code !== 0) tally.problems.push(`${label}: exit ${result.code}: ${result.stderr}`);
    if (said === "write_error") tally.faulted++;
    if (said === "ok" && after !== before + row) {
      tally.lost++;
      tally.problems.push(`${label}: said ok, the queue does not end with its row`);
    } else if (said === "write_error" && after !== before) {
      tally.torn++;
      tally.problems.push(
        `${label}: a failed append left ${JSON.stringify(after.slice(before.length))}`,
      );
    } else if (said !== "ok" && said !== "write_error") {
      tally.problems.push(`${label}: said ${JSON.stringify(said)}`);
    }
    const torn = await tornRows(workspace);
    tally.torn += torn.length;
    tally.problems.push(...torn.map((problem) => `${label}: ${problem}`));
    // The disk has room again: the next capture lands whole after whatever is there.
    const next = await runCliMeasured(["capture-session", "--workspace", workspace.root], {
      stdin: JSON.stringify({ session_id: "next", transcript_path: "/t/next.jsonl" }),
      deadlineMs: 30_000,
    });
    const final = await Deno.readTextFile(workspace.file("queue"));
    if (next.code !== 0 || final !== after + "next\t/t/next.jsonl\n") {
      tally.problems.push(`${label}: the capture after the fault did not land whole`);
    }
  }
}

/** One push under a file-size limit: the transcripts' fates, and what is filled up first. */
interface PushRound {
  label: string;
  kib: number;
  /** Per transcript: stored (0), or the status the server answers instead. */
  fates: (0 | 503 | 409)[];
  nameLength: () => number;
  retry: boolean;
  /** Bytes in the uploaded log and the failed log before the push. */
  uploadedFill?: number;
  failedFill?: number;
  /** For the rounds aimed at one write: the exit code, and whether the snapshot must stay. */
  expect?: { code: number; snapshotKept: boolean; said?: RegExp };
}

/** The rounds aimed at one write each, then random ones. */
function pushPlans(random: Random): PushRound[] {
  const fixed: PushRound[] = [
    {
      label: "the requeue fails",
      kib: 1,
      fates: Array(10).fill(503),
      nameLength: () => 150,
      retry: false,
      expect: { code: 1, snapshotKept: true },
    },
    {
      label: "the failed log's append fails",
      kib: 2,
      fates: Array(10).fill(409),
      nameLength: () => 20,
      retry: false,
      failedFill: 2048 - 100,
      expect: { code: 1, snapshotKept: true },
    },
    {
      label: "every uploaded log append fails",
      kib: 2,
      fates: Array(10).fill(0),
      nameLength: () => 0,
      retry: false,
      uploadedFill: 2048 - 40,
      expect: { code: 0, snapshotKept: false, said: /File too large/ },
    },
  ];
  const randomRounds = Array.from({ length: PUSH_ROUNDS }, (_, round): PushRound => {
    const kib = random.int(1, 6);
    const near = () => kib * 1024 - random.int(0, 700);
    return {
      label: `random round ${round}`,
      kib,
      fates: Array.from(
        { length: 10 },
        () => random.weighted([[60, 0], [25, 503], [15, 409]] as const),
      ),
      // Long names make long rows: a few requeued ones fill a small limit.
      nameLength: () => random.int(0, 150),
      retry: random.chance(0.4),
      ...(random.chance(0.6) ? { uploadedFill: near() } : {}),
      ...(random.chance(0.6) ? { failedFill: near() } : {}),
    };
  });
  return [...fixed, ...randomRounds];
}

/** A full disk under push: whichever write fails, nothing is deleted unrecorded. */
async function pushRounds(random: Random, tally: Tally): Promise<number> {
  let faulted = 0;
  for (const [round, plan] of pushPlans(random).entries()) {
    await using h = await pushHarness();
    const paths: string[] = [];
    for (const [i, fate] of plan.fates.entries()) {
      const name = `r${round}-${i}-${"n".repeat(plan.nameLength())}`;
      const path = await h.transcript(name, `{"text":"${random.text(random.int(512, 8192))}"}\n`);
      paths.push(path);
      if (fate !== 0) h.statuses.set(`${name}.jsonl`, fate);
      await h.queue({ sessionId: name, path, stamp: "" });
    }
    if (plan.retry) {
      const path = await h.transcript(`r${round}-failed`, `{"text":"${random.text(1000)}"}\n`);
      paths.push(path);
      await Deno.writeTextFile(
        h.workspace.file("failedLog"),
        `${ISO}\tr${round}-failed\t409\t${path}\n`,
      );
    }
    if (plan.uploadedFill !== undefined) {
      await fillTo(
        h.workspace.file("uploadedLog"),
        plan.uploadedFill,
        (pad) => `${ISO}\t/old/${pad}.jsonl\n`,
      );
    }
    if (plan.failedFill !== undefined) {
      const existing = await Deno.readTextFile(h.workspace.file("failedLog")).catch(() => "");
      await fillTo(
        h.workspace.file("failedLog"),
        plan.failedFill - existing.length,
        (pad) => `${ISO}\t\tmalformed\t[filler] ${pad}\n`,
      );
      await Deno.writeTextFile(h.workspace.file("failedLog"), existing, { append: true });
    }
    const storesBefore = new Map(h.stores);
    const args = [
      "push",
      "--json",
      "--concurrency",
      "2",
      ...(plan.retry ? ["--retry-failed"] : []),
    ];
    const result = await limited(plan.kib, args, h.env);
    const label = `push: ${plan.label} (${plan.kib} KiB${plan.retry ? ", --retry-failed" : ""})`;
    if (result.timedOut || (result.code !== 0 && result.code !== 1)) {
      tally.problems.push(`${label}: exit ${result.code}: ${result.stderr}`);
    }
    if (result.code !== 0 || /too large/i.test(result.stdout + result.stderr)) faulted++;
    if (plan.expect !== undefined) {
      const kept = (await listSnapshots(h.workspace)).length > 0;
      const said = plan.expect.said?.test(result.stderr) ?? true;
      if (result.code !== plan.expect.code || kept !== plan.expect.snapshotKept || !said) {
        tally.problems.push(
          `${label}: exit ${result.code}, snapshot kept ${kept}: ${result.stderr}`,
        );
      }
    }
    await afterFault(h, paths, storesBefore, tally, label);
    await cleanPush(h, paths, tally, label);
  }
  return faulted;
}

/** The writes of a push the seam may fail: `<op>:<path substring>`. */
const SEAM_TARGETS = [
  "rename:agnes-sessions.snapshot", // the queue renamed to a snapshot, or a retry snapshot
  "write:agnes-sessions.snapshot", // the retry snapshot's content
  "rename:agnes-sessions-failed.txt", // the failed log rewritten by --retry-failed
  "append:agnes-sessions-ledger",
  "write-half:agnes-sessions-ledger",
  "sync:agnes-sessions-ledger",
  "append:agnes-sessions-uploaded.txt",
  "write-half:agnes-sessions-uploaded.txt",
  "sync:agnes-sessions-uploaded.txt",
  "append:agnes-sessions-failed.txt",
  "write-half:agnes-sessions-failed.txt",
  "sync:agnes-sessions-failed.txt",
  "append:agnes-sessions.txt", // the requeue
  "write-half:agnes-sessions.txt",
  "sync:agnes-sessions.txt",
] as const;

/** What a seam fault says when it reaches the push's output. */
const SEAM_SAID = /No space left on device|Input\/output error|Disk quota exceeded|Read-only file/;

/** One or two random seam faults, comma-separated (the first round's is sure to fire). */
function seamSpec(random: Random, round: number): string {
  const errno = () => random.pick(["ENOSPC", "EIO", "EDQUOT", "EROFS"]);
  if (round === 0) return `rename:agnes-sessions.snapshot:1:${errno()}`;
  const one = () => `${random.pick(SEAM_TARGETS)}:${random.int(1, 3)}:${errno()}`;
  return random.chance(0.3) ? `${one()},${one()}` : one();
}

/** A seam round's queue: six transcripts with random fates, and maybe a failure to retry. */
async function seamQueue(h: PushHarness, random: Random, round: number) {
  const paths: string[] = [];
  for (let i = 0; i < 6; i++) {
    const name = `seam${round}-${i}`;
    const path = await h.transcript(name, `{"text":"${random.text(random.int(64, 2048))}"}\n`);
    paths.push(path);
    const fate = random.weighted([[60, 0], [25, 503], [15, 409]] as const);
    if (fate !== 0) h.statuses.set(`${name}.jsonl`, fate);
    await h.queue({ sessionId: name, path, stamp: "" });
  }
  const retry = random.chance(0.4);
  if (retry) {
    const path = await h.transcript(`seam${round}-failed`, "{}\n");
    paths.push(path);
    const row = `${ISO}\tseam${round}-failed\t409\t${path}\n`;
    await Deno.writeTextFile(h.workspace.file("failedLog"), row);
  }
  return { paths, retry };
}

/** Random faults through the seam under push: nothing torn, nothing deleted unrecorded. */
async function seamRounds(random: Random, tally: Tally): Promise<number> {
  let fired = 0;
  for (let round = 0; round < SEAM_ROUNDS; round++) {
    await using h = await pushHarness();
    const { paths, retry } = await seamQueue(h, random, round);
    const spec = seamSpec(random, round);
    const storesBefore = new Map(h.stores);
    const args = ["push", "--json", "--concurrency", "2", ...(retry ? ["--retry-failed"] : [])];
    const result = await runCliMeasured(args, {
      env: { ...h.env, AGNES_SESSIONS_TEST_FS_FAULT: spec },
      deadlineMs: 60_000,
    });
    const label = `seam: ${spec}${retry ? " (--retry-failed)" : ""}`;
    if (result.timedOut || (result.code !== 0 && result.code !== 1)) {
      tally.problems.push(`${label}: exit ${result.code}: ${result.stderr}`);
    }
    if (SEAM_SAID.test(result.stdout + result.stderr)) fired++;
    await afterFault(h, paths, storesBefore, tally, label);
    await cleanPush(h, paths, tally, label);
  }
  return fired;
}

/** Sets or clears the immutable flag on `dir` and everything in it; whether chattr did. */
async function immutable(dir: string, on: boolean): Promise<boolean> {
  const { code } = await new Deno.Command("chattr", {
    args: ["-R", on ? "+i" : "-i", dir],
    stdout: "null",
    stderr: "null",
  }).output();
  return code === 0;
}

/** A listing of a folder's files with sizes and times, to tell whether anything changed. */
function listing(dir: string): string {
  return [...Deno.readDirSync(dir)].map((entry) => {
    const info = Deno.lstatSync(`${dir}/${entry.name}`);
    return `${entry.name} ${info.size} ${info.mtime?.getTime()}`;
  }).sort().join("\n");
}

/** A read-only `.claude/`: the folder immutable, then everything in it. */
async function readOnlyRounds(tally: Tally): Promise<string> {
  await using h = await pushHarness();
  const paths: string[] = [];
  for (let i = 0; i < 4; i++) {
    const path = await h.transcript(`ro-${i}`, `{"i":${i}}\n`);
    paths.push(path);
    await h.queue({ sessionId: `ro-${i}`, path, stamp: "" });
  }
  await (await acquireLock(h.workspace.file("pushLock"))).release();
  const capture = (name: string) =>
    runCliMeasured(["capture-session", "--verbose", "--workspace", h.workspace.root], {
      stdin: JSON.stringify({
        session_id: name,
        transcript_path: `${h.projects}/-w/${name}.jsonl`,
      }),
      deadlineMs: 30_000,
    });
  const storesBefore = new Map(h.stores);
  try {
    // The folder alone: files in it can still be written, none created, renamed or removed.
    const folderOnly = await new Deno.Command("chattr", {
      args: ["+i", h.workspace.stateDir],
      stderr: "null",
    }).output();
    if (folderOnly.code !== 0) return "skipped: chattr +i not supported here";
    paths.push(await h.transcript("ro-captured", "{}\n"));
    const captured = await capture("ro-captured");
    if (captured.code !== 0 || saidOutcome(captured) !== "ok") {
      tally.problems.push(
        `immutable folder: capture exit ${captured.code}, said ${saidOutcome(captured)}`,
      );
    }
    const pushed = await runCliMeasured(["push", "--json"], { env: h.env, deadlineMs: 60_000 });
    tally.faulted++;
    if (pushed.code !== 1 || pushed.timedOut) {
      tally.problems.push(`immutable folder: push exit ${pushed.code}: ${pushed.stderr}`);
    }
    await afterFault(h, paths, storesBefore, tally, "immutable folder");
    // Everything immutable: a capture times out on the lock, a push finds its lock untakeable.
    await immutable(h.workspace.stateDir, true);
    const before = listing(h.workspace.stateDir);
    const blocked = await capture("ro-blocked");
    if (blocked.code !== 0 || saidOutcome(blocked) !== "lock_timeout") {
      tally.problems.push(`read-only: capture exit ${blocked.code}, said ${saidOutcome(blocked)}`);
    }
    const idle = await runCliMeasured(["push"], { env: h.env, deadlineMs: 60_000 });
    tally.faulted += 2;
    if (idle.code !== 0 || idle.stdout !== "") {
      tally.problems.push(`read-only: push exit ${idle.code}: ${idle.stdout}${idle.stderr}`);
    }
    if (listing(h.workspace.stateDir) !== before) {
      tally.problems.push("read-only: .claude/ changed");
    }
  } finally {
    await immutable(h.workspace.stateDir, false);
  }
  await afterFault(h, paths, storesBefore, tally, "read-only");
  await cleanPush(h, paths, tally, "read-only");
  return "done";
}

/** Runs the CLI as `nobody`, with a Deno cache of its own. */
function asNobody(denoDir: string, args: string[], env: Record<string, string>, stdin?: string) {
  return runMeasured(
    "setpriv",
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      "--",
      Deno.execPath(),
      ...cliArgs(...args),
    ],
    {
      env: { ...env, DENO_DIR: denoDir, HOME: denoDir },
      deadlineMs: 180_000, // the first run compiles the sources into its own cache
      ...(stdin === undefined ? {} : { stdin }),
    },
  );
}

/** Opens the harness's folders to `nobody` (temp folders are 0700). */
async function openTo(h: PushHarness) {
  for (const dir of [h.workspace.root, h.claudeDir, h.projects, `${h.projects}/-w`]) {
    await Deno.chmod(dir, 0o755);
  }
}

/** Writes and queues `count` transcripts named `<prefix>-<i>`; their paths. */
async function queueTranscripts(h: PushHarness, prefix: string, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = await h.transcript(`${prefix}-${i}`, `{"i":${i}}\n`);
    paths.push(path);
    await h.queue({ sessionId: `${prefix}-${i}`, path, stamp: "" });
  }
  return paths;
}

/** Creates the lock files (as root) and opens them to `nobody`. */
async function lockFilesOpen(h: PushHarness): Promise<void> {
  for (const lock of ["queueLock", "pushLock"] as const) {
    await (await acquireLock(h.workspace.file(lock))).release();
    await Deno.chmod(h.workspace.file(lock), 0o666);
  }
}

/**
 * A workspace that root pushed once (its uploaded log and ledger are root's),
 * with four transcripts queued and the queue, `.claude/` and the locks open to
 * `nobody`; the paths of those transcripts.
 */
async function pushedByRoot(h: PushHarness, name: string): Promise<string[]> {
  await openTo(h);
  const first = await queueTranscripts(h, `${name}-root`, 1);
  const primed = await runCliMeasured(["push"], { env: h.env, deadlineMs: 60_000 });
  assertEquals(primed.code, 0, primed.stderr);
  const paths = [...first, ...await queueTranscripts(h, name, 3)];
  await lockFilesOpen(h);
  await Deno.chmod(h.workspace.stateDir, 0o777);
  await Deno.chmod(h.workspace.file("queue"), 0o666);
  return paths;
}

/** Permission denied: capture and push as `nobody`, against files root owns. */
async function permissionRounds(tally: Tally): Promise<number> {
  const denoDir = await Deno.makeTempDir({ prefix: "agnes-nobody-" });
  await Deno.chown(denoDir, NOBODY, NOBODY);
  let cases = 0;
  try {
    const warm = await asNobody(denoDir, ["--version"], {});
    if (warm.code !== 0) return 0; // cannot run as nobody here

    {
      // A capture that may not write the queue: write_error, exit 0, the queue as it was.
      await using h = await pushHarness();
      await openTo(h);
      const paths = await queueTranscripts(h, "denied-capture", 1);
      await lockFilesOpen(h);
      await Deno.writeTextFile(h.workspace.file("captureLog"), "");
      await Deno.chmod(h.workspace.file("captureLog"), 0o666);
      const before = await Deno.readTextFile(h.workspace.file("queue"));
      const stdin = JSON.stringify({
        session_id: "x",
        transcript_path: `${h.projects}/-w/x.jsonl`,
      });
      const result = await asNobody(
        denoDir,
        ["capture-session", "--verbose", "--workspace", h.workspace.root],
        {},
        stdin,
      );
      cases++;
      tally.faulted++;
      if (result.code !== 0 || saidOutcome(result) !== "write_error") {
        tally.problems.push(
          `nobody capture: exit ${result.code}, said ${saidOutcome(result)}: ${result.stderr}`,
        );
      }
      if (await Deno.readTextFile(h.workspace.file("queue")) !== before) {
        tally.problems.push("nobody capture: the queue changed");
      }
      await afterFault(h, paths, new Map(h.stores), tally, "nobody capture");
      await cleanPush(h, paths, tally, "nobody capture");
    }
    {
      // A push that may not write the failed log: it stops before deleting its snapshot.
      await using h = await pushHarness();
      await openTo(h);
      const paths = await queueTranscripts(h, "denied-log", 4);
      h.statuses.set("denied-log-1.jsonl", 409);
      await lockFilesOpen(h);
      await Deno.chmod(h.workspace.stateDir, 0o777);
      await Deno.chmod(h.workspace.file("queue"), 0o666);
      await Deno.writeTextFile(h.workspace.file("failedLog"), `${ISO}\t\tmalformed\t[filler]\n`);
      const storesBefore = new Map(h.stores);
      const result = await asNobody(denoDir, ["push", "--json"], h.env);
      cases++;
      tally.faulted++;
      if (result.code !== 1) tally.problems.push(`nobody, failed log: push exit ${result.code}`);
      await afterFault(h, paths, storesBefore, tally, "nobody, failed log");
      await cleanPush(h, paths, tally, "nobody, failed log");
    }
    {
      // A transcript push may not read: requeued with a stamp, the others go.
      await using h = await pushHarness();
      await openTo(h);
      const paths = await queueTranscripts(h, "denied-read", 3);
      await Deno.chmod(paths[1]!, 0o600);
      await lockFilesOpen(h);
      await Deno.chmod(h.workspace.stateDir, 0o777);
      await Deno.chmod(h.workspace.file("queue"), 0o666);
      const storesBefore = new Map(h.stores);
      const result = await asNobody(denoDir, ["push", "--json"], h.env);
      cases++;
      tally.faulted++;
      const requeued = (await readQueueFile(h.workspace.file("queue"))).entries;
      if (
        result.code !== 0 || requeued.length !== 1 || requeued[0]!.path !== paths[1] ||
        requeued[0]!.stamp === ""
      ) {
        tally.problems.push(
          `nobody, unreadable transcript: exit ${result.code}, requeued ${
            JSON.stringify(requeued)
          }`,
        );
      }
      await afterFault(h, paths, storesBefore, tally, "nobody, unreadable transcript");
      await cleanPush(h, paths, tally, "nobody, unreadable transcript");
    }
    {
      // A ledger push may not write: the uploads are logged, requeued (and sent again later).
      await using h = await pushHarness();
      const paths = await pushedByRoot(h, "denied-ledger");
      await Deno.chmod(h.workspace.file("uploadedLog"), 0o666); // the ledger alone is denied
      const storesBefore = new Map(h.stores);
      const result = await asNobody(denoDir, ["push", "--json"], h.env);
      cases++;
      tally.faulted++;
      if (result.code !== 0) {
        tally.problems.push(`nobody, ledger: push exit ${result.code}: ${result.stderr}`);
      }
      await afterFault(h, paths, storesBefore, tally, "nobody, ledger");
      await cleanPush(h, paths, tally, "nobody, ledger");
    }
    {
      // A push that may not open the uploaded log: it stops before the first upload.
      await using h = await pushHarness();
      const paths = await pushedByRoot(h, "denied-upload-log");
      const storesBefore = new Map(h.stores);
      const result = await asNobody(denoDir, ["push", "--json"], h.env);
      cases++;
      tally.faulted++;
      const sent = [...h.stores].some(([name, count]) => count > (storesBefore.get(name) ?? 0));
      if (result.code !== 1 || sent) {
        tally.problems.push(`nobody, uploaded log: push exit ${result.code}, sent ${sent}`);
      }
      await afterFault(h, paths, storesBefore, tally, "nobody, uploaded log");
      await cleanPush(h, paths, tally, "nobody, uploaded log");
    }
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
  return cases;
}

Deno.test(`I/O faults: a full disk under ${CAPTURE_ROUNDS} captures, 3 pushes aimed at the requeue and the logs and ${PUSH_ROUNDS} random ones, ${SEAM_ROUNDS} pushes with random faults through the file layer's seam, a read-only .claude/, permission denied: hooks exit 0, nothing torn, nothing deleted unrecorded, everything delivered once the fault is lifted`, async () => {
  const clock = startClock();
  const random = seededRandom();
  const tally: Tally = {
    lost: 0,
    torn: 0,
    leftovers: 0,
    unrecordedUploads: 0,
    duplicates: 0,
    problems: [],
    faulted: 0,
  };
  await captureRounds(random, tally);
  const pushFaults = await pushRounds(random, tally);
  tally.faulted += pushFaults;
  const seamFaults = await seamRounds(random, tally);
  tally.faulted += seamFaults;
  const root = Deno.uid() === 0;
  const readOnly = root ? await readOnlyRounds(tally) : "skipped: not root";
  const permission = root ? await permissionRounds(tally) : 0;
  const counts = {
    scenario: "io_faults",
    lost: tally.lost,
    torn: tally.torn,
    duplicates: tally.duplicates,
    overlaps: 0,
    kills: 0,
    leftovers: tally.leftovers,
    ms: clock(),
    faults: tally.faulted,
    unrecorded_uploads: tally.unrecordedUploads,
    push_rounds_faulted: pushFaults,
    seam_rounds_faulted: seamFaults,
    read_only: readOnly,
    permission_cases: permission,
    seed: random.seed,
  };
  report(counts);
  assertEquals(tally.problems, []);
  assert(pushFaults > 0, "no push round hit its limit");
  assert(seamFaults > 0, "no seam fault reached a push's output");
  assertInvariants(counts, tally.unrecordedUploads);
});
