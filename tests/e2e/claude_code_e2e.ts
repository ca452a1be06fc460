/**
 * End to end on the real Claude Code: `claude -p` sessions in a workspace our
 * `install` wired, against a stand-in Messages API and our receiver
 * (`_rig.ts`). Run by `deno task e2e` (`tools/e2e.ts`), not by `deno test`.
 */

import { redactJwtBytes } from "../../lib/push/redact.ts";
import { parseUploadedRow } from "../../lib/store/log_file.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  agnes,
  HOOK_PREFIX,
  hookCommands,
  readSettings,
  type Rig,
  session,
  startRig,
  stored,
  transcriptPath,
  waitForUpload,
  waitUntil,
  workspaceRows,
  writeSettings,
} from "./_rig.ts";

const PRIVATE_SKIPPED = "agnes-sessions-private-skipped.txt";
const CAPTURE_LOG = "agnes-capture-session.log";

/** The capture log rows (stamp, outcome, detail) that mention `text`. */
async function captureLogRowsNaming(rig: Rig, text: string): Promise<string[][]> {
  return (await workspaceRows(rig, CAPTURE_LOG)).filter((row) => row.join("\t").includes(text));
}

/** Rewrites every hook command of ours in the settings with `edit`; drops those it maps to `undefined`. */
async function editOurHooks(
  rig: Rig,
  edit: (command: string) => string | undefined,
): Promise<void> {
  const settings = await readSettings(rig);
  const hooks = settings.hooks as Record<string, { hooks: { command: string }[] }[]>;
  for (const [event, groups] of Object.entries(hooks)) {
    hooks[event] = groups.map((group) => ({
      ...group,
      hooks: group.hooks.flatMap((hook) => {
        if (!hook.command.startsWith(HOOK_PREFIX)) return [hook];
        const command = edit(hook.command);
        return command === undefined ? [] : [{ ...hook, command }];
      }),
    })).filter((group) => group.hooks.length > 0);
    if (hooks[event]!.length === 0) delete hooks[event];
  }
  await writeSettings(rig, settings);
}

/** The uploaded log's rows, of either shape. */
async function uploadedRows(rig: Rig) {
  return (await workspaceRows(rig, "agnes-sessions-uploaded.txt")).map((fields) =>
    parseUploadedRow(fields.join("\t"))
  );
}

Deno.test("claude -p: a plain session is uploaded byte for byte", async () => {
  await using rig = await startRig();
  const id = await session(rig);
  const transcript = await waitForUpload(rig, id);
  assertEquals(redactJwtBytes(transcript, true).output, transcript); // nothing to redact in it
  const text = new TextDecoder().decode(transcript);
  assert(text.includes(`"sessionId":"${id}"`), "the transcript is the session's own");
  // The server is the one login saved, which the Python tool would push to: the row is one its
  // reader counts (session id, then size) and names the transcript for ours.
  const [row, ...more] = await uploadedRows(rig);
  assertEquals(more, []);
  assertEquals(
    [row?.sessionId, row?.size, row?.path],
    [id, transcript.length, await transcriptPath(rig, id)],
  );
  assert(rig.api.messages() > 0, "Claude Code asked the stand-in API");
});

Deno.test("claude -p /agnes-private: the session is kept back and the skip is logged", async () => {
  await using rig = await startRig();
  const id = await session(rig, { prompt: "/agnes-private" });
  // The slash command ran our mark-private for this very session.
  assertEquals(await workspaceRows(rig, "agnes-sessions-private.txt"), [[id]]);
  await waitUntil(
    "the private skip in the log",
    async () => (await workspaceRows(rig, PRIVATE_SKIPPED)).some((row) => row[1] === id),
  );
  assertEquals(await stored(rig, id), undefined);
  const outcomes = (await captureLogRowsNaming(rig, id)).map((row) => row[1]);
  assert(outcomes.includes("private_skip"), `SessionEnd skipped the capture: ${outcomes}`);
});

Deno.test("claude -p --resume: the grown transcript replaces the stored one", async () => {
  await using rig = await startRig();
  const id = await session(rig);
  const first = await waitForUpload(rig, id);
  assertEquals(await session(rig, { resume: id, prompt: "And once more." }), id);
  const second = await waitForUpload(rig, id);
  assert(second.length > first.length, `${second.length} > ${first.length} bytes`);
  assertEquals(second.subarray(0, first.length), first); // the same transcript, grown
  assertEquals((await workspaceRows(rig, "agnes-sessions-uploaded.txt")).length, 2);
});

Deno.test("claude -p: four sessions at once all arrive", async () => {
  await using rig = await startRig();
  const ids = await Promise.all([1, 2, 3, 4].map(() => session(rig)));
  for (const id of ids) await waitForUpload(rig, id);
  assertEquals((await rig.receiver.stored()).size, 4);
});

Deno.test("claude -p with empty hook stdin: capture takes the session from the environment", async () => {
  await using rig = await startRig();
  // Not something install writes (its commands never redirect): the settings are edited by hand.
  await editOurHooks(rig, (command) => `${command} < /dev/null`);
  const id = await session(rig);
  await waitForUpload(rig, id);
  // SessionStart and SessionEnd each found the session in CLAUDE_CODE_SESSION_ID and CLAUDE_PROJECT_DIR.
  const rows = await captureLogRowsNaming(rig, id);
  assertEquals(rows.map((row) => row[1]), ["ok_from_env", "ok_from_env"]);
  for (const row of rows) assert(row[2]!.startsWith("payload empty_stdin"), row[2]);
  const uploaded = (await uploadedRows(rig)).map((row) => row.path);
  assert(uploaded.includes(await transcriptPath(rig, id)), "the upload is logged");
});

Deno.test("claude -p: a session whose SessionEnd never ran is caught up by the next SessionStart", async () => {
  await using rig = await startRig();
  // No SessionEnd hook at all: nothing but a SessionStart can start a push.
  await editOurHooks(rig, (command) => command.includes("--push") ? undefined : command);
  assertEquals(hookCommands(await readSettings(rig)).SessionEnd, undefined);
  const missed = await session(rig);
  assertEquals(await stored(rig, missed), undefined);
  const next = await session(rig);
  await waitForUpload(rig, missed);
  // The push came from the next session's SessionStart, the only capture that started one.
  const catchUps = (await workspaceRows(rig, CAPTURE_LOG)).filter((row) =>
    row[2]!.startsWith("catch-up push started")
  );
  assertEquals(catchUps.length, 1);
  assert(catchUps[0]![2]!.includes(next), catchUps[0]![2]);
});

/** A foreign tool's hooks: each appends the hook's stdin to `log`, one line per run. */
function foreignSettings(log: string): Record<string, unknown> {
  const entry = { type: "command", command: `sh -c 'cat >> ${log}; echo >> ${log}'` };
  return {
    permissions: { allow: ["Bash(ls:*)"] },
    hooks: {
      SessionStart: [{ hooks: [entry] }],
      SessionEnd: [{ hooks: [entry] }],
    },
  };
}

/** What the foreign hook logged: "<event> <session id>" for each run. */
async function foreignRuns(log: string): Promise<string[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(log);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => {
    const payload = JSON.parse(line);
    return `${payload.hook_event_name} ${payload.session_id}`;
  });
}

Deno.test("claude -p: another tool's hook entries are kept and run, through install and uninstall", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "agnes-e2e-foreign-" }));
  try {
    const log = `${root}/foreign-hook.log`;
    const foreign = foreignSettings(log);
    await using rig = await startRig({ settings: foreign });
    const installed = hookCommands(await readSettings(rig));
    const foreignCommand = hookCommands(foreign).SessionStart![0]!;
    assertEquals(installed.SessionStart?.includes(foreignCommand), true);
    assertEquals(installed.SessionEnd?.includes(foreignCommand), true);
    const id = await session(rig);
    await waitForUpload(rig, id);
    await waitUntil(
      "the foreign SessionEnd hook",
      async () => (await foreignRuns(log)).includes(`SessionEnd ${id}`),
    );
    assert((await foreignRuns(log)).includes(`SessionStart ${id}`));

    await agnes(rig, ["install", "--uninstall", "--workspace", rig.workspace]);
    assertEquals(await readSettings(rig), foreign);
    const after = await session(rig);
    await waitUntil(
      "the foreign SessionEnd hook after uninstall",
      async () => (await foreignRuns(log)).includes(`SessionEnd ${after}`),
    );
    assert((await foreignRuns(log)).includes(`SessionStart ${after}`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("install --uninstall: later sessions are not captured", async () => {
  await using rig = await startRig();
  const before = await session(rig);
  await waitForUpload(rig, before);
  const captureLogRows = await workspaceRows(rig, CAPTURE_LOG);
  assertEquals(captureLogRows.length, 2);

  await agnes(rig, ["install", "--uninstall", "--workspace", rig.workspace]);
  const after = await session(rig);
  // Claude Code has run (or given up on) every hook by the time it exits.
  assertEquals(await workspaceRows(rig, CAPTURE_LOG), captureLogRows);
  assertEquals(await workspaceRows(rig, "agnes-sessions.txt"), []);
  await transcriptPath(rig, after); // the session itself was written
  assertEquals(await stored(rig, after), undefined);
  assertEquals([...(await rig.receiver.stored()).keys()], [`${before}.jsonl`]);
});
