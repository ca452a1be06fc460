/**
 * What the SessionStart / SessionEnd hook does with its input: validate the
 * payload, respect the private list, and queue the transcript.
 *
 * @module
 */

import { isAbsolutePath } from "../fs/path.ts";
import { isRowField } from "../format/row.ts";
import { LockTimeoutError } from "../lock/acquire_lock.ts";
import { isPrivateSession } from "../store/private_list.ts";
import { appendToQueue, CAPTURE_LOCK_TIMEOUT_MS } from "../store/queue.ts";
import type { Workspace } from "../store/workspace.ts";

/** Every way a capture can end; each is recorded in the capture log. */
export type CaptureOutcome =
  | "stdin_read_error"
  | "empty_stdin"
  | "bad_json"
  | "not_object"
  | "no_transcript_path"
  | "invalid_path"
  | "private_skip"
  | "write_error"
  | "lock_timeout"
  | "ok";

/** The outcome of a capture and a one-line detail for the capture log. */
export interface CaptureResult {
  /** What happened. */
  outcome: CaptureOutcome;
  /** Why, or what was queued. */
  detail: string;
}

/** Longest transcript path accepted, in UTF-8 bytes. */
export const MAX_TRANSCRIPT_PATH_BYTES = 4096;

/**
 * The longest session id queued, in bytes (Claude Code's are 36). A longer
 * one is checked against the private list, then dropped, so the row stays
 * short enough for every reader and the transcript still uploads.
 */
export const MAX_SESSION_ID_BYTES = 1024;

/** Options for {@linkcode captureHookInput}. */
export interface CaptureOptions {
  /** How long to wait for the queue lock. Default about 1 s. */
  lockTimeoutMs?: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A payload that names a transcript to queue. */
interface Capture {
  sessionId: string;
  path: string;
  /** Said in the capture log after the entry. */
  note: string;
}

/** Validates a hook payload: the capture it asks for, or the outcome that refuses it. */
function parsePayload(input: string): Capture | CaptureResult {
  if (input.trim() === "") return { outcome: "empty_stdin", detail: "" };
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch (error) {
    return { outcome: "bad_json", detail: describe(error) };
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { outcome: "not_object", detail: Array.isArray(payload) ? "array" : typeof payload };
  }
  const { session_id: rawId, transcript_path: path } = payload as Record<string, unknown>;
  if (typeof path !== "string" || path === "") {
    return { outcome: "no_transcript_path", detail: path === undefined ? "missing" : typeof path };
  }
  if (!isAbsolutePath(path)) return { outcome: "invalid_path", detail: `relative: ${path}` };
  if (!isRowField(path)) return { outcome: "invalid_path", detail: "contains TAB, CR, LF or NUL" };
  if (new TextEncoder().encode(path).length > MAX_TRANSCRIPT_PATH_BYTES) {
    return { outcome: "invalid_path", detail: `longer than ${MAX_TRANSCRIPT_PATH_BYTES} bytes` };
  }
  // An id that cannot be written is dropped, not the transcript: it still uploads.
  const sessionId = typeof rawId === "string" && isRowField(rawId) ? rawId.trim() : "";
  const note = sessionId === "" && rawId !== undefined ? " (unusable session_id dropped)" : "";
  return { sessionId, path, note };
}

/**
 * Whether the session is private. A private list that cannot be read does not
 * stop the capture: the entry is queued (nothing is lost) and push, which
 * uploads nothing while privacy is unknown, decides once the list is readable.
 */
async function privacyOf(
  workspace: Workspace,
  sessionId: string,
): Promise<{ private: boolean; note: string }> {
  try {
    return { private: await isPrivateSession(workspace, sessionId), note: "" };
  } catch (error) {
    return { private: false, note: ` (private list unreadable, push decides: ${describe(error)})` };
  }
}

/**
 * Queues the transcript named by a SessionStart / SessionEnd hook payload
 * (the JSON text the hook got on stdin). Never throws: every failure is an
 * outcome.
 *
 * @example
 * ```ts
 * import { captureHookInput, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const payload = JSON.stringify({ session_id: "s1", transcript_path: "/t/s1.jsonl" });
 * deepStrictEqual((await captureHookInput(workspace, payload)).outcome, "ok");
 * deepStrictEqual((await captureHookInput(workspace, "[]")).outcome, "not_object");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function captureHookInput(
  workspace: Workspace,
  input: string,
  options: CaptureOptions = {},
): Promise<CaptureResult> {
  const capture = parsePayload(input);
  if ("outcome" in capture) return capture;
  const { sessionId, path } = capture;
  const privacy = await privacyOf(workspace, sessionId);
  if (privacy.private) return { outcome: "private_skip", detail: sessionId };
  const tooLong = new TextEncoder().encode(sessionId).length > MAX_SESSION_ID_BYTES;
  const queuedId = tooLong ? "" : sessionId;
  const note = tooLong ? ` (session_id over ${MAX_SESSION_ID_BYTES} bytes dropped)` : capture.note;
  try {
    await appendToQueue(workspace, [{ sessionId: queuedId, path, stamp: "" }], {
      lockTimeoutMs: options.lockTimeoutMs ?? CAPTURE_LOCK_TIMEOUT_MS,
    });
  } catch (error) {
    const outcome = error instanceof LockTimeoutError ? "lock_timeout" : "write_error";
    return { outcome, detail: describe(error) };
  }
  return { outcome: "ok", detail: `${queuedId}\t${path}${note}${privacy.note}` };
}
