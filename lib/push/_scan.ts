/**
 * `push --scan`: the workspace's transcripts in Claude Code's projects folder
 * that this server has not got in their current version, so sessions whose
 * hook never fired (terminal closed, crash, empty hook stdin) still arrive.
 * Unchanged files cost a `stat` and a ledger lookup; only new or changed ones
 * are opened, to check the `cwd` they record.
 *
 * @module
 */

import { projectsRoot } from "../claude/projects.ts";
import { belongsTo, findTranscripts } from "../claude/transcripts.ts";
import { UPLOAD_NAME } from "../http/_wire.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import type { PushRun } from "./_run.ts";

/**
 * The scanned transcripts to send: new or changed since their last upload to
 * this server, not already in the batch (`queued`), not private (a private
 * session found by a scan is left alone, not logged at every push), and with
 * a name the server accepts.
 *
 * @example
 * ```ts
 * import { scanEntries } from "./_scan.ts";
 * import { startRun } from "./_run.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const workspace = new Workspace(`${root}/w`);
 * await Deno.mkdir(workspace.root);
 * const folder = `${root}/projects/${workspace.root.replace(/[^A-Za-z0-9]/g, "-")}`;
 * await Deno.mkdir(folder, { recursive: true });
 * await Deno.writeTextFile(`${folder}/s1.jsonl`, `{"cwd":${JSON.stringify(workspace.root)}}\n`);
 * using client = new AgnesClient({ server: "http://127.0.0.1:9", token: "t" }); // never called here
 * const run = await startRun({ workspace, client, allowedRoots: [], projectsRoot: `${root}/projects` });
 * deepStrictEqual((await scanEntries(run, [])).map((entry) => entry.sessionId), ["s1"]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function scanEntries(
  run: PushRun,
  queued: readonly QueueEntry[],
): Promise<QueueEntry[]> {
  const root = run.options.workspace.root;
  const inBatch = new Set(queued.map((entry) => entry.path));
  const found: QueueEntry[] = [];
  for (const transcript of findTranscripts(run.options.projectsRoot ?? projectsRoot(), root)) {
    if (inBatch.has(transcript.path) || run.privateIds.has(transcript.sessionId)) continue;
    if (!UPLOAD_NAME.test(`${transcript.sessionId}.jsonl`)) continue;
    if (await run.ledger.has(transcript.path, transcript.size, transcript.mtimeMs)) continue;
    if (!belongsTo(transcript, root)) continue;
    found.push({ sessionId: transcript.sessionId, path: transcript.path, stamp: "" });
  }
  run.report.scanned = found.length;
  return found;
}
