import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import {
  CATCH_UP_INTERVAL_MS,
  catchUpReason,
  type CatchUpTimes,
  PUSH_OVERDUE_MS,
  readCatchUpTimes,
} from "../../lib/hook/catch_up.ts";
import { encodeProjectFolder } from "../../lib/claude/transcripts.ts";

const NOW = Date.UTC(2026, 0, 2, 12);
const MINUTE = 60_000;

/** Runs `body` with `CLAUDE_CONFIG_DIR` pointing at a fresh folder, restored after. */
async function withClaudeDir(body: (claudeDir: string) => Promise<void> | void): Promise<void> {
  const claudeDir = await Deno.makeTempDir({ prefix: "agnes-claude-" });
  const before = Deno.env.get("CLAUDE_CONFIG_DIR");
  Deno.env.set("CLAUDE_CONFIG_DIR", claudeDir);
  try {
    await body(claudeDir);
  } finally {
    if (before === undefined) Deno.env.delete("CLAUDE_CONFIG_DIR");
    else Deno.env.set("CLAUDE_CONFIG_DIR", before);
    await Deno.remove(claudeDir, { recursive: true });
  }
}

Deno.test("catchUpReason: a queue or snapshot written before the last push is due; one written after is not", async () => {
  await using workspace = await tempWorkspace();
  await withClaudeDir(() => {
    const lastPush = NOW - 2 * 60 * MINUTE;
    const cases: [CatchUpTimes, string | undefined][] = [
      [
        { lastPush, queue: lastPush - MINUTE, snapshots: [] },
        "the queue is older than the last push",
      ],
      [{ lastPush, queue: lastPush, snapshots: [] }, "the queue is older than the last push"],
      [{ lastPush, queue: lastPush + MINUTE, snapshots: [] }, undefined],
      [
        { lastPush, snapshots: [lastPush + MINUTE, lastPush - MINUTE] },
        "a snapshot is older than the last push",
      ],
      [{ lastPush, snapshots: [lastPush + MINUTE] }, undefined],
      [{ lastPush, snapshots: [] }, undefined],
      [{ queue: NOW - 48 * 60 * MINUTE, snapshots: [] }, undefined], // never pushed, no transcripts
    ];
    for (const [times, reason] of cases) {
      assertEquals(catchUpReason(workspace, times, NOW), reason, JSON.stringify(times));
    }
  });
});

Deno.test("catchUpReason: at most once an hour; a catch-up stamp in the future does not hold it off", async () => {
  await using workspace = await tempWorkspace();
  await withClaudeDir(() => {
    const waiting = { lastPush: NOW - 10 * MINUTE, queue: NOW - 20 * MINUTE, snapshots: [] };
    const at = (lastCatchUp: number) => catchUpReason(workspace, { ...waiting, lastCatchUp }, NOW);
    assertEquals(at(NOW - 59 * MINUTE), undefined);
    assertEquals(at(NOW - CATCH_UP_INTERVAL_MS), "the queue is older than the last push");
    assertEquals(at(NOW + 24 * 60 * MINUTE), "the queue is older than the last push");
  });
});

Deno.test("catchUpReason: no push for 24 h (or none recorded) is due only when the workspace's projects folder holds a transcript", async () => {
  await using workspace = await tempWorkspace();
  await withClaudeDir(async (claudeDir) => {
    const overdue = { lastPush: NOW - PUSH_OVERDUE_MS - MINUTE, snapshots: [] };
    const recent = { lastPush: NOW - PUSH_OVERDUE_MS + MINUTE, snapshots: [] };
    assertEquals(catchUpReason(workspace, overdue, NOW), undefined); // no folder
    const folder = `${claudeDir}/projects/${encodeProjectFolder(workspace.root)}`;
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeTextFile(`${folder}/notes.txt`, "");
    assertEquals(catchUpReason(workspace, overdue, NOW), undefined); // no transcript
    await Deno.writeTextFile(`${folder}/s1.jsonl`, "{}\n");
    assertEquals(
      catchUpReason(workspace, overdue, NOW),
      "no push for 24 h, and Claude Code's projects folder holds transcripts",
    );
    assertEquals(
      catchUpReason(workspace, { snapshots: [] }, NOW),
      "no push recorded, and Claude Code's projects folder holds transcripts",
    );
    assertEquals(catchUpReason(workspace, recent, NOW), undefined);
  });
});

Deno.test("readCatchUpTimes reads the stamps, the queue and the snapshots, and counts links and folders as absent", async () => {
  await using workspace = await tempWorkspace();
  assertEquals(readCatchUpTimes(workspace), { snapshots: [] }); // no .claude/
  await workspace.ensureStateDir();
  const at = (ms: number) => new Date(ms);
  await Deno.writeTextFile(workspace.file("queue"), "s\t/t/s.jsonl\n");
  await Deno.utime(workspace.file("queue"), at(NOW - MINUTE), at(NOW - MINUTE));
  await Deno.writeTextFile(workspace.file("lastPushStamp"), "");
  await Deno.utime(workspace.file("lastPushStamp"), at(NOW), at(NOW));
  const snapshot = `${workspace.stateDir}/agnes-sessions.snapshot.12.0123abcd.txt`;
  await Deno.writeTextFile(snapshot, "");
  await Deno.utime(snapshot, at(NOW - 2 * MINUTE), at(NOW - 2 * MINUTE));
  await Deno.symlink(workspace.file("queue"), workspace.file("catchUpStamp"));
  await Deno.mkdir(`${workspace.stateDir}/agnes-sessions.snapshot.13.txt`);
  assertEquals(readCatchUpTimes(workspace), {
    lastPush: NOW,
    queue: NOW - MINUTE,
    snapshots: [NOW - 2 * MINUTE],
  });
});
