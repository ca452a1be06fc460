/**
 * Push against a fault-injecting server (`_fault_server.ts`): connections
 * reset mid-body, answers held past the client's time-out, 5xx bursts, 429
 * with `Retry-After`, 401 then recovery, a 3xx, permanent 4xx. Each outcome
 * must be what the push table of `docs/reference.md` states:
 *
 * - 2xx: the uploaded log (and the ledger).
 * - 401, 408, 429, 5xx, a network error: requeued with a first-failure stamp
 *   (the old one kept), given up (failed log) only past 30 days; a 429/503
 *   with `Retry-After` of at most 5 s is retried within the run.
 * - another 4xx: the failed log with the status.
 * - 3xx: stop, exit 1, everything not done requeued untouched.
 * - after a 401 or 5 transient failures in a row, nothing more is sent and
 *   the rest is requeued without a stamp.
 *
 * Deterministic phases pin each rule (one upload at a time); randomized
 * rounds then mix every fault at four uploads at a time, and a model checks
 * every entry after every push: from the server's record of what it
 * answered each name, where the entry must be (uploaded log, failed log with
 * which reason, queue with which stamp) and that it is in exactly that
 * place. After the faults stop, a clean push delivers everything, and a
 * `--retry-failed` one what was given up. Pushes run from the library, with a
 * 250 ms client time-out (the CLI has no flag for it); the 3xx phase runs
 * the CLI for its exit code.
 */

import { assert, assertEquals } from "../_assert.ts";
import { readRows, tempWorkspace } from "../_helpers.ts";
import {
  AgnesClient,
  appendToQueue,
  listSnapshots,
  push,
  type PushReport,
  readQueueFile,
} from "../../mod.ts";
import { formatTimestamp, isRetryExpired, parseTimestamp } from "../../lib/format/timestamp.ts";
import { tempFiles } from "./_checks.ts";
import { type Exchange, type Fault, startFaultServer } from "./_fault_server.ts";
import { runCliMeasured } from "./_proc.ts";
import { type Random, seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

const ROUNDS = scaled(16, 4);
const PER_ROUND = scaled(16, 12);
const TOKEN = "fault-token-0123456789";
const UPLOAD = "/api/upload/sessions";
const CLIENT_TIMEOUT_MS = 250;
/** The client adds 1 s per 256 KiB started to its time-out. */
const EFFECTIVE_TIMEOUT_MS = CLIENT_TIMEOUT_MS + 1000;
const DAY = 24 * 3600 * 1000;

/** A temp folder, removed when disposed of (a failing run leaves nothing behind). */
async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

const RECEIVE: Fault = { kind: "receive" };
const status = (code: number, headers?: Record<string, string>): Fault =>
  headers === undefined
    ? { kind: "status", status: code }
    : { kind: "status", status: code, headers };
const SLOW: Fault = { kind: "slow", holdMs: 10_000 };
const RESET: Fault = { kind: "reset" };

/** The random rounds' menu: weight, then the faults for the name's successive requests. */
const MENU: [number, (random: Random) => Fault[]][] = [
  [36, () => [RECEIVE]],
  [8, () => [RESET]],
  [5, () => [SLOW]],
  [12, (random) => [status(random.pick([500, 502, 503, 504]))]],
  [6, () => [status(429, { "retry-after": "1" }), RECEIVE]],
  [3, () => [1, 2, 3].map(() => status(503, { "retry-after": "1" }))],
  [4, () => [status(429, { "retry-after": "120" })]],
  [3, () => [status(401)]],
  [3, () => [status(408)]],
  [2, () => [status(307, { location: "https://elsewhere.example/api/upload/sessions" })]],
  [5, (random) => [status(random.pick([400, 409, 413, 422]))]],
];

type Place = "uploaded" | "failed" | "queue" | "nowhere";

/** Where an entry must be after a push, from what the server answered it. */
interface Expectation {
  place: Place;
  /** For "failed": the reason. For "queue": the stamp, or "fresh" for one of this run. */
  detail: string;
}

/** What the model knows of an exchange: the status the client saw, if any. */
function expectationOf(
  last: Exchange | undefined,
  stamp: string,
  alreadySent: boolean,
  now: Date,
): Expectation {
  if (last === undefined) {
    return alreadySent ? { place: "nowhere", detail: "" } : { place: "queue", detail: stamp };
  }
  const code = last.status;
  if (code !== undefined && code >= 200 && code < 300) return { place: "uploaded", detail: "" };
  if (code !== undefined && code >= 300 && code < 400) return { place: "queue", detail: stamp };
  const transient = code === undefined || code === 401 || code === 408 || code === 429 ||
    code >= 500;
  if (!transient) return { place: "failed", detail: String(code) };
  const first = parseTimestamp(stamp);
  if (first !== undefined && first <= now && isRetryExpired(stamp, now)) {
    return { place: "failed", detail: code === undefined ? "retry_expired" : String(code) };
  }
  return {
    place: "queue",
    detail: stamp === "" || first === undefined || first > now ? "fresh" : stamp,
  };
}

Deno.test(`push against a fault-injecting server: every outcome as the docs' push table states (deterministic phases, then ${ROUNDS} random rounds of ${PER_ROUND}), then a clean push delivers everything`, async () => {
  const clock = startClock();
  const random = seededRandom();
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  await using claude = await tempDir("agnes-claude-");
  await using data = await tempDir("agnes-data-");
  const [claudeDir, dataDir] = [claude.path, data.path];
  const projects = `${claudeDir}/projects`;
  await Deno.mkdir(`${projects}/-w`, { recursive: true });

  const script = new Map<string, Fault[]>();
  let pickFaults: ((name: string) => Fault[]) | undefined;
  await using server = startFaultServer({
    dataDir,
    tokens: new Map([[TOKEN, "analyst"]]),
    plan: (request) => {
      if (request.name === undefined) return RECEIVE;
      const name = request.name.replace(/\.jsonl$/, ""); // the script is keyed by session name
      let faults = script.get(name);
      if (faults === undefined && pickFaults !== undefined) {
        faults = pickFaults(name);
        script.set(name, faults);
      }
      return faults?.shift() ?? RECEIVE;
    },
  });

  const contents = new Map<string, Uint8Array>(); // file name → bytes
  const problems: string[] = [];
  let [lost, misfiled, items, pushes] = [0, 0, 0, 0];
  const pathOf = (name: string) => `${projects}/-w/${name}.jsonl`;

  const addItems = async (prefix: string, count: number, stamp: () => string = () => "") => {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix}-${i}`;
      const text = Array.from(
        { length: random.int(16, 32) },
        () => `{"type":"user","text":"${random.text(1000)}"}\n`,
      ).join("");
      const bytes = new TextEncoder().encode(text);
      await Deno.writeFile(pathOf(name), bytes);
      await appendToQueue(workspace, [{ sessionId: name, path: pathOf(name), stamp: stamp() }]);
      contents.set(`${name}.jsonl`, bytes);
      names.push(name);
      items++;
    }
    return names;
  };

  const ledgerHas = async () => {
    const rows = await readRows(workspace.file("uploadedLog"));
    return new Set(rows.map((row) => row[1]!));
  };

  /** Runs one library push and checks every entry it took against the model. */
  const pushAndCheck = async (label: string, concurrency: number, retryFailed = false) => {
    const before = new Map(
      (await readQueueFile(workspace.file("queue"))).entries.map((e) => [e.path, e.stamp]),
    );
    const sentBefore = await ledgerHas();
    const failedBefore = (await readRows(workspace.file("failedLog"))).length;
    const uploadedBefore = (await readRows(workspace.file("uploadedLog"))).length;
    const exchangesBefore = server.exchanges.length;
    const started = new Date();
    const startedMs = performance.now();
    let report: PushReport | null;
    {
      using client = new AgnesClient({
        server: server.url,
        token: TOKEN,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      report = await push({
        workspace,
        client,
        allowedRoots: [projects],
        concurrency,
        retryFailed,
      });
    }
    const ms = performance.now() - startedMs;
    pushes++;
    assert(await server.settled(), `${label}: a connection was still open 10 s after the push`);
    const ended = new Date();
    assert(report !== null, `${label}: the push lock was held`);
    const exchanges = server.exchanges.slice(exchangesBefore).filter((e) =>
      e.request.path === UPLOAD
    );
    const queue = new Map(
      (await readQueueFile(workspace.file("queue"))).entries.map((e) => [e.path, e.stamp]),
    );
    const failed = new Map(
      (await readRows(workspace.file("failedLog"))).slice(failedBefore).map((
        row,
      ) => [row[3]!, row[2]!]),
    );
    const uploaded = new Set(
      (await readRows(workspace.file("uploadedLog"))).slice(uploadedBefore).map((row) => row[1]!),
    );
    for (const [path, stamp] of before) {
      const name = path.slice(path.lastIndexOf("/") + 1);
      const last = exchanges.filter((e) => `${e.request.name}` === name).at(-1);
      const want = expectationOf(last, stamp, sentBefore.has(path), ended);
      const places: Place[] = [];
      if (uploaded.has(path)) places.push("uploaded");
      if (failed.has(path)) places.push("failed");
      if (queue.has(path)) places.push("queue");
      const what = `${label}: ${name} (stamp "${stamp}", answered ${
        last?.status ?? (last ? "nothing" : "never asked")
      })`;
      if (places.length === 0 && want.place !== "nowhere") {
        lost++;
        problems.push(`${what}: lost`);
        continue;
      }
      if (places.length > 1 || (places[0] ?? "nowhere") !== want.place) {
        misfiled++;
        problems.push(`${what}: in ${places.join("+") || "nowhere"}, expected ${want.place}`);
        continue;
      }
      if (want.place === "failed" && failed.get(path) !== want.detail) {
        misfiled++;
        problems.push(`${what}: failed as ${failed.get(path)}, expected ${want.detail}`);
      }
      if (want.place === "queue") {
        const got = queue.get(path)!;
        const fresh = parseTimestamp(got);
        const ok = want.detail === "fresh"
          ? fresh !== undefined && fresh.getTime() >= started.getTime() - 1000 &&
            fresh.getTime() <= ended.getTime() + 1000
          : got === want.detail;
        if (!ok) {
          misfiled++;
          problems.push(`${what}: requeued with stamp "${got}", expected ${want.detail}`);
        }
      }
    }
    const notStored = exchanges.filter((e) => e.fault.kind === "receive" && e.status !== 200);
    if (notStored.length > 0) problems.push(`${label}: the receiver refused ${notStored.length}`);
    return { report, exchanges, ms };
  };

  const recover = async (label: string) => {
    script.clear();
    const { report } = await pushAndCheck(`${label} (recovery)`, 4);
    assertEquals([report.requeued, report.stopped], [0, null], `${label}: recovery push`);
  };

  // 1. Five transient failures in a row open the breaker: the rest is requeued unstamped.
  const burst = await addItems("burst", 8);
  for (const name of burst) script.set(name, [status(503)]);
  const breaker = await pushAndCheck("5xx burst", 1);
  assertEquals(breaker.exchanges.length, 5, "the breaker opened after 5 transient failures");
  await recover("5xx burst");

  // 2. A 401 opens it at once; the next push, with the credential accepted, delivers everything.
  const denied = await addItems("denied", 6);
  for (const name of denied) script.set(name, [status(401)]);
  const unauthorized = await pushAndCheck("401", 1);
  assertEquals(unauthorized.exchanges.length, 1, "the breaker opened on the first 401");
  await recover("401");

  // 3. A 3xx stops the CLI's push with exit 1; everything not done is requeued untouched.
  const moved = await addItems("moved", 5);
  script.set(moved[1]!, [status(307, { location: "https://elsewhere.example/" })]);
  const exchangesBefore = server.exchanges.length;
  const cli = await runCliMeasured(["push", "--json", "--concurrency", "1"], {
    env: {
      AGNES_SERVER: server.url,
      AGNES_TOKEN: TOKEN,
      CLAUDE_CONFIG_DIR: claudeDir,
      AGNES_CONFIG_DIR: `${claudeDir}/agnes-config`,
      AGNES_LOCAL_DIR: workspace.root,
    },
    deadlineMs: 60_000,
  });
  pushes++;
  assert(await server.settled(), "3xx: a connection was still open 10 s after the push");
  assertEquals(cli.code, 1, cli.stderr);
  assert(cli.stderr.includes("Push stopped"), cli.stderr);
  assert(JSON.parse(cli.stdout).stopped !== null, cli.stdout);
  assertEquals(
    server.exchanges.slice(exchangesBefore).filter((e) => e.request.path === UPLOAD).length,
    2,
  );
  const afterMove = (await readQueueFile(workspace.file("queue"))).entries;
  assertEquals(
    afterMove.map((e) => [e.sessionId, e.stamp]),
    moved.slice(1).map((name) => [name, ""]),
  );
  await recover("3xx");

  // 4. Answers held back past the client's time-out: requeued, and the push still ends in time.
  const slow = await addItems("slow", 3);
  for (const name of slow) script.set(name, [SLOW]);
  const held = await pushAndCheck("slow answers", 4);
  assert(held.ms < EFFECTIVE_TIMEOUT_MS + 2_000, `the push took ${Math.round(held.ms)} ms`);
  assertEquals(held.exchanges.map((e) => e.status), [undefined, undefined, undefined]);
  await recover("slow answers");

  // 5. Retry-After: 1 s is waited for within the run (twice at most); 120 s is not.
  const [waited, tooLong, stubborn] = await addItems("retry-after", 3);
  script.set(waited!, [status(429, { "retry-after": "1" }), RECEIVE]);
  script.set(tooLong!, [status(429, { "retry-after": "120" })]);
  script.set(stubborn!, [1, 2, 3].map(() => status(503, { "retry-after": "1" })));
  const retryAfter = await pushAndCheck("Retry-After", 1);
  const asked = (name: string) =>
    retryAfter.exchanges.filter((e) => e.request.name === `${name}.jsonl`).length;
  assertEquals([asked(waited!), asked(tooLong!), asked(stubborn!)], [2, 1, 3]);
  assert(retryAfter.ms >= 3_000, `the push waited only ${Math.round(retryAfter.ms)} ms`);
  await recover("Retry-After");

  // 6. The 30-day window: given up past it (with the last status, or retry_expired), kept within it.
  const old = formatTimestamp(new Date(Date.now() - 31 * DAY));
  const aging = formatTimestamp(new Date(Date.now() - 29 * DAY));
  const [expired, expiredReset] = await addItems("expired", 2, () => old);
  const [kept] = await addItems("aging", 1, () => aging);
  await addItems("fine", 1);
  script.set(expired!, [status(503)]).set(expiredReset!, [RESET]).set(kept!, [status(503)]);
  await pushAndCheck("30 days", 1);
  const given = new Map(
    (await readRows(workspace.file("failedLog"))).map((row) => [row[1], row[2]]),
  );
  assertEquals([given.get(expired), given.get(expiredReset)], ["503", "retry_expired"]);
  await recover("30 days");

  // 7. Resets mid-body: network errors, requeued with a stamp.
  const reset = await addItems("reset", 4);
  for (const name of reset) script.set(name, [RESET]);
  const resets = await pushAndCheck("resets", 2);
  assertEquals(resets.report.requeued, 4);
  await recover("resets");

  // Random rounds: every fault mixed, four uploads at a time, some entries near or past 30 days.
  for (let round = 0; round < ROUNDS; round++) {
    script.clear();
    pickFaults = () => random.weighted(MENU)(random);
    await addItems(`round${round}`, PER_ROUND, () =>
      random.weighted([
        [70, ""],
        [15, formatTimestamp(new Date(Date.now() - 29 * DAY))],
        [15, formatTimestamp(new Date(Date.now() - 31 * DAY))],
      ]));
    await pushAndCheck(`round ${round}`, 4);
  }

  // The faults stop: a clean push delivers everything queued, a retry everything given up.
  pickFaults = undefined;
  script.clear();
  await pushAndCheck("clean", 4);
  await pushAndCheck("clean --retry-failed", 4, true);
  const folder = `${dataDir}/user_sessions/analyst`;
  let [undelivered, torn] = [0, 0];
  for (const [name, bytes] of contents) {
    const stored = await Deno.readFile(`${folder}/${name}`).catch(() => undefined);
    if (stored === undefined) undelivered++;
    else if (stored.length !== bytes.length || !stored.every((b, i) => b === bytes[i])) torn++;
  }
  const storedTimes = new Map<string, number>();
  for (const e of server.exchanges) {
    if (e.stored) storedTimes.set(e.request.name!, (storedTimes.get(e.request.name!) ?? 0) + 1);
  }
  const duplicates = [...storedTimes.values()].reduce((sum, n) => sum + n - 1, 0);
  const slowStored = server.exchanges.filter((e) => e.fault.kind === "slow" && e.stored).length;
  const leftovers = [
    ...tempFiles(workspace.stateDir),
    ...tempFiles(dataDir),
    ...await listSnapshots(workspace),
    ...await Deno.lstat(workspace.file("queue")).then(() => ["the queue"], () => []),
  ];
  const faults = (kind: string) => server.exchanges.filter((e) => e.fault.kind === kind).length;
  const counts = {
    scenario: "fault_server",
    lost: lost + undelivered,
    torn,
    duplicates,
    overlaps: 0,
    kills: 0,
    leftovers: leftovers.length,
    ms: clock(),
    misfiled,
    transcripts: items,
    pushes,
    requests: server.exchanges.length,
    resets: faults("reset"),
    slow: faults("slow"),
    statuses: faults("status"),
    seed: random.seed,
  };
  report(counts);
  assertEquals(problems, []);
  assertEquals(leftovers, []);
  // A held-back answer is the one way to store a file the client does not know it sent.
  assertInvariants(counts, slowStored);
});
