/**
 * Two pushers over one workspace: ours (`push --scan`) and a stand-in for
 * the Python `agnes` tool's push (`tests/fixtures/python_pusher.py`, which
 * scans the same Claude Code folder, takes the same push lock with `flock`
 * and reads and appends the shared uploaded log by that tool's rule). Each
 * round some transcripts grow, then the pushers run: the Python one first,
 * ours first, or all at once. Every version of every transcript must reach
 * the server exactly once, whichever tool sends it: a store of a version
 * already stored is a duplicate, and one the other tool stored counts as a
 * duplicate between the tools.
 */

import { assert } from "../_assert.ts";
import { tempWorkspace, TEST_TOKEN } from "../_helpers.ts";
import { FIXTURES } from "../_helpers.ts";
import { python } from "../_lock_helpers.ts";
import { createReceiver } from "../../mod.ts";
import { encodeProjectFolder } from "../../lib/claude/transcripts.ts";
import { lockProblems, tempFiles } from "./_checks.ts";
import { serveCounting } from "./_push_harness.ts";
import { type Finished, runCliMeasured, runMeasured } from "./_proc.ts";
import { seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";

const TRANSCRIPTS = scaled(120, 16);
const ROUNDS = scaled(12, 3);
const PUSHERS_EACH = scaled(3, 2);
const PUSHER = `${FIXTURES}python_pusher.py`;
const USER = "analyst";

/** Which tool sent an upload, by its User-Agent. */
type Tool = "ours" | "python";

/** A receiver on loopback that notes, for each version stored (name and size), which tools stored it, in order. */
function countingReceiver(dataDir: string) {
  const versions = new Map<string, Tool[]>();
  const receive = createReceiver({ dataDir, tokens: new Map([[TEST_TOKEN, USER]]) });
  const { url, server } = serveCounting(receive, async (filename, request) => {
    const tool: Tool = request.headers.get("user-agent")?.startsWith("agnes-sessions")
      ? "ours"
      : "python";
    const size = (await Deno.stat(`${dataDir}/user_sessions/${USER}/${filename}`)).size;
    const key = `${filename}\t${size}`;
    versions.set(key, [...versions.get(key) ?? [], tool]);
  });
  return { url, versions, server };
}

Deno.test(`push: ours and the Python tool's push over one workspace, ${ROUNDS} rounds of ${TRANSCRIPTS} transcripts: each version uploaded once`, async () => {
  const clock = startClock();
  const random = seededRandom();
  const interpreter = await python();
  await using workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const root = await Deno.makeTempDir({ prefix: "agnes-two-pushers-" });
  const receiver = countingReceiver(`${root}/data`);
  try {
    const folder = `${root}/claude/projects/${encodeProjectFolder(workspace.root)}`;
    await Deno.mkdir(folder, { recursive: true });
    await Deno.mkdir(`${root}/config`);
    await Deno.writeTextFile(`${root}/config/config.yaml`, `server: ${receiver.url}\n`);
    const env = {
      AGNES_SERVER: receiver.url,
      AGNES_TOKEN: TEST_TOKEN,
      CLAUDE_CONFIG_DIR: `${root}/claude`,
      AGNES_CONFIG_DIR: `${root}/config`,
    };
    const paths = Array.from({ length: TRANSCRIPTS }, (_, i) => `${folder}/s${i}.jsonl`);
    const cwdLine = `{"type":"user","cwd":${JSON.stringify(workspace.root)}}\n`;
    for (const path of paths) await Deno.writeTextFile(path, cwdLine);
    const expected = new Set<string>();
    const failures: string[] = [];
    const ours = () =>
      runCliMeasured(["push", "--scan", "--quiet", "--workspace", workspace.root], {
        env,
        deadlineMs: 120_000,
      });
    const theirs = () =>
      runMeasured(interpreter, [PUSHER, workspace.root, folder, receiver.url, TEST_TOKEN], {
        deadlineMs: 120_000,
      });
    const check = (who: string, finished: Finished) => {
      if (finished.code !== 0) failures.push(`${who}: exit ${finished.code}: ${finished.stderr}`);
    };
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) {
        for (const path of paths) {
          if (random.next() < 0.25) {
            await Deno.writeTextFile(path, `{"round":${round}}\n`, { append: true });
          }
        }
      }
      for (const path of paths) {
        expected.add(`${path.slice(folder.length + 1)}\t${(await Deno.stat(path)).size}`);
      }
      const mode = round % 3; // Python first, ours first, or all at once
      if (mode === 0) {
        check("python", await theirs());
        check("ours", await ours());
      } else if (mode === 1) {
        check("ours", await ours());
        check("python", await theirs());
      } else {
        const runs = Array.from({ length: PUSHERS_EACH }, () => [
          ours().then((done) => check("ours", done)),
          theirs().then((done) => check("python", done)),
        ]).flat();
        await Promise.all(runs);
      }
    }
    let [duplicates, betweenTools, byOurs, byPython] = [0, 0, 0, 0];
    for (const tools of receiver.versions.values()) {
      duplicates += tools.length - 1;
      betweenTools += tools.slice(1).filter((tool) => tool !== tools[0]).length;
      if (tools[0] === "ours") byOurs++;
      else byPython++;
    }
    const lost = [...expected].filter((version) => !receiver.versions.has(version)).length;
    const leftovers = tempFiles(workspace.stateDir).length +
      (await lockProblems(workspace.file("pushLock"))).length;
    const counts = {
      scenario: "two_pushers",
      lost,
      torn: 0,
      duplicates,
      overlaps: 0,
      kills: 0,
      leftovers,
      ms: clock(),
      duplicatesBetweenTools: betweenTools,
      versions: expected.size,
      firstByOurs: byOurs,
      firstByPython: byPython,
      seed: random.seed,
    };
    report(counts);
    assert(failures.length === 0, failures.join("\n"));
    assert(byOurs > 0 && byPython > 0, "both pushers uploaded");
    assertInvariants(counts, 0);
  } finally {
    await receiver.server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
