/**
 * `push --scan`: the workspace's transcripts in Claude Code's projects folder
 * that this server has not got in their current version, so sessions whose
 * hook never fired (terminal closed, crash, empty hook stdin) still arrive.
 * Unchanged files cost a `stat` and a ledger lookup; only new or changed ones
 * are opened, to check the `cwd` they record.
 *
 * @module
 */

import {
  findTranscripts,
  type FoundTranscript,
  isWorkspaceTranscript,
  projectsRoot,
} from "../claude/transcripts.ts";
import { UPLOAD_NAME } from "../http/wire.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import type { PushOptions } from "./options.ts";
import type { PushRun } from "./_run.ts";

/** Transcripts a scan found that the server has not got, by path; queued ones are taken out as the queue is read. */
export type ScanCandidates = Map<string, FoundTranscript>;

/**
 * The transcripts of this workspace's projects folders that this server has
 * not got in their current version: not private (a private session found by
 * a scan is left alone, not logged at every push), with a name the server
 * accepts. What the queue also holds is taken out while it is read; the rest
 * go through {@linkcode confirmScanned}.
 */
export function scanCandidates(run: PushRun): ScanCandidates {
  const root = run.options.workspace.root;
  const candidates: ScanCandidates = new Map();
  for (const transcript of findTranscripts(run.options.projectsRoot ?? projectsRoot(), root)) {
    if (run.privateIds.has(transcript.sessionId)) continue;
    if (!UPLOAD_NAME.test(`${transcript.sessionId}.jsonl`)) continue;
    if (run.ledger.has(transcript.path, transcript.size, transcript.mtimeMs)) continue;
    if (run.shared?.has(transcript.sessionId, transcript.size)) continue; // the Python tool sent it
    candidates.set(transcript.path, transcript);
  }
  return candidates;
}

/**
 * The candidates that are not queued and that belong to this workspace (only
 * these are opened, to check the `cwd` they record), as entries to send;
 * counted in the report as `scanned`.
 */
export function confirmScanned(run: PushRun, candidates: ScanCandidates): QueueEntry[] {
  const root = run.options.workspace.root;
  const found: QueueEntry[] = [];
  for (const transcript of candidates.values()) {
    if (!isWorkspaceTranscript(transcript, root)) continue;
    found.push({ sessionId: transcript.sessionId, path: transcript.path, stamp: "" });
  }
  run.report.scanned = found.length;
  return found;
}

/**
 * Whether the workspace has transcripts of its own in Claude Code's projects
 * folder (read only), so that `push --scan` in a workspace without `.claude/`
 * has something to send.
 */
export function hasTranscriptsToScan(options: PushOptions): boolean {
  const root = options.workspace.root;
  return findTranscripts(options.projectsRoot ?? projectsRoot(), root).some((transcript) =>
    isWorkspaceTranscript(transcript, root)
  );
}
