/**
 * What the SessionStart / SessionEnd hook does with its input: validate the
 * payload, fall back to the environment Claude Code gives every hook when the
 * payload is unusable, respect the private list, and queue the transcript.
 *
 * @module
 */

import { encodeProjectFolder, projectsRoot } from "../claude/transcripts.ts";
import { isAbsolutePath, joinPath } from "../fs/path.ts";
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
  | "ok"
  | "ok_from_env";

/** The outcome of a capture and a one-line detail for the capture log. */
export interface CaptureResult {
  /** What happened. */
  outcome: CaptureOutcome;
  /** Why, or what was queued. */
  detail: string;
}

/**
 * Payload outcomes after which the session is taken from the environment
 * (`CLAUDE_CODE_SESSION_ID`, `CLAUDE_PROJECT_DIR`): the payload named no
 * transcript at all. A payload that names an invalid one is not second-guessed.
 */
const UNUSABLE_PAYLOAD: ReadonlySet<CaptureOutcome> = new Set([
  "stdin_read_error",
  "empty_stdin",
  "bad_json",
  "not_object",
  "no_transcript_path",
]);

/** A session id taken from the environment names a file: letters, digits, `.`, `_`, `-`, no leading dot. */
const ENV_SESSION_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

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

/** A transcript to queue, named by the payload or by the environment. */
export interface Capture {
  /** The session id (empty when unknown). */
  sessionId: string;
  /** The transcript's absolute path. */
  path: string;
  /** Said in the capture log after the entry. */
  note: string;
  /** Set when the environment named it: the payload's outcome, for the capture log. */
  fromEnv?: CaptureResult;
}

/** A hook payload read: what it asks for (or why not), and the hook event it names. */
export interface HookPayload {
  /** The capture it asks for, or the outcome that refuses it. */
  capture: Capture | CaptureResult;
  /** Its `hook_event_name` (`SessionStart`, `SessionEnd`), or `""` when it names none. */
  hookEvent: string;
  /** Its SessionStart `source` (`startup`, `resume`, `clear`, `compact`), or `""`. */
  source: string;
}

/**
 * Reads the JSON text a SessionStart / SessionEnd hook got on stdin: the
 * capture it asks for (or the outcome that refuses it) and the hook event it
 * names. Never throws.
 */
export function readHookPayload(input: string): HookPayload {
  if (input.trim() === "") {
    return { capture: { outcome: "empty_stdin", detail: "" }, hookEvent: "", source: "" };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch (error) {
    return { capture: { outcome: "bad_json", detail: describe(error) }, hookEvent: "", source: "" };
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    const detail = Array.isArray(payload) ? "array" : typeof payload;
    return { capture: { outcome: "not_object", detail }, hookEvent: "", source: "" };
  }
  const fields = payload as Record<string, unknown>;
  const text = (value: unknown) => typeof value === "string" ? value : "";
  return {
    capture: captureOf(fields),
    hookEvent: text(fields.hook_event_name),
    source: text(fields.source),
  };
}

/** The checks every transcript path passes before it is queued: `undefined` when it may be. */
function invalidPath(path: string): CaptureResult | undefined {
  if (!isAbsolutePath(path)) return { outcome: "invalid_path", detail: `relative: ${path}` };
  if (!isRowField(path)) return { outcome: "invalid_path", detail: "contains TAB, CR, LF or NUL" };
  if (new TextEncoder().encode(path).length > MAX_TRANSCRIPT_PATH_BYTES) {
    return { outcome: "invalid_path", detail: `longer than ${MAX_TRANSCRIPT_PATH_BYTES} bytes` };
  }
  return undefined;
}

/** Validates a payload object: the capture it asks for, or the outcome that refuses it. */
function captureOf(payload: Record<string, unknown>): Capture | CaptureResult {
  const { session_id: rawId, transcript_path: path } = payload;
  if (typeof path !== "string" || path === "") {
    return { outcome: "no_transcript_path", detail: path === undefined ? "missing" : typeof path };
  }
  const invalid = invalidPath(path);
  if (invalid !== undefined) return invalid;
  // An id that cannot be written is dropped, not the transcript: it still uploads.
  const sessionId = typeof rawId === "string" && isRowField(rawId) ? rawId.trim() : "";
  const note = sessionId === "" && rawId !== undefined ? " (unusable session_id dropped)" : "";
  return { sessionId, path, note };
}

/** The first of `names` set to something other than blanks in the environment: [name, value]. */
function fromEnvironment(names: readonly string[]): [string, string] | undefined {
  for (const name of names) {
    const value = Deno.env.get(name)?.trim();
    if (value) return [name, value];
  }
  return undefined;
}

/**
 * When the payload named no transcript (`refusal` says why), the one Claude
 * Code gives every hook in its environment: the session id from
 * `CLAUDE_CODE_SESSION_ID` (else `CLAUDE_SESSION_ID`), the transcript
 * `<projects_root>/<encoded CLAUDE_PROJECT_DIR>/<session id>.jsonl`, the
 * folder name encoded as `push --scan` finds it. Any other refusal, or an
 * environment that does not name one, leaves `refusal` as it is, its detail
 * saying why the environment did not help.
 */
export function captureFromEnvironment(refusal: CaptureResult): Capture | CaptureResult {
  if (!UNUSABLE_PAYLOAD.has(refusal.outcome)) return refusal;
  const unused = (why: string) => ({
    outcome: refusal.outcome,
    detail: `${refusal.detail}${refusal.detail === "" ? "" : "; "}environment unused: ${why}`,
  });
  const id = fromEnvironment(["CLAUDE_CODE_SESSION_ID", "CLAUDE_SESSION_ID"]);
  if (id === undefined) return unused("no CLAUDE_CODE_SESSION_ID");
  const [idName, sessionId] = id;
  // The id becomes a file name: nothing that could leave the folder or break a row.
  if (!ENV_SESSION_ID.test(sessionId)) return unused(`${idName} is not a session id`);
  const projectDir = Deno.env.get("CLAUDE_PROJECT_DIR") ?? "";
  if (projectDir.trim() === "") return unused("no CLAUDE_PROJECT_DIR");
  if (!isAbsolutePath(projectDir)) return unused("CLAUDE_PROJECT_DIR is not absolute");
  const path = joinPath(projectsRoot(), encodeProjectFolder(projectDir), `${sessionId}.jsonl`);
  const invalid = invalidPath(path);
  if (invalid !== undefined) return unused(invalid.detail);
  return { sessionId, path, note: "", fromEnv: refusal };
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
 * Queues a capture: respects the private list, then appends the entry under
 * the queue lock. Never throws: every failure is an outcome. A capture the
 * environment named ends in `ok_from_env` (the payload's outcome in the
 * detail), or its failure says so in the detail.
 */
export async function queueCapture(
  workspace: Workspace,
  capture: Capture,
  options: CaptureOptions = {},
): Promise<CaptureResult> {
  const { sessionId, path } = capture;
  // The payload's outcome first: a capture log row's detail is cut to 200 characters.
  const origin = capture.fromEnv === undefined
    ? ""
    : `payload ${capture.fromEnv.outcome}, from the environment: `;
  const privacy = await privacyOf(workspace, sessionId);
  if (privacy.private) return { outcome: "private_skip", detail: `${origin}${sessionId}` };
  const tooLong = new TextEncoder().encode(sessionId).length > MAX_SESSION_ID_BYTES;
  const queuedId = tooLong ? "" : sessionId;
  const note = tooLong ? ` (session_id over ${MAX_SESSION_ID_BYTES} bytes dropped)` : capture.note;
  try {
    await appendToQueue(workspace, [{ sessionId: queuedId, path, stamp: "" }], {
      lockTimeoutMs: options.lockTimeoutMs ?? CAPTURE_LOCK_TIMEOUT_MS,
    });
  } catch (error) {
    const outcome = error instanceof LockTimeoutError ? "lock_timeout" : "write_error";
    return { outcome, detail: `${origin}${describe(error)}` };
  }
  return {
    outcome: capture.fromEnv === undefined ? "ok" : "ok_from_env",
    detail: `${origin}${queuedId}\t${path}${note}${privacy.note}`,
  };
}

/**
 * Queues the transcript named by a SessionStart / SessionEnd hook payload
 * (the JSON text the hook got on stdin), or, when the payload names none, by
 * the environment Claude Code gives the hook ({@linkcode captureFromEnvironment}).
 * Never throws: every failure is an outcome.
 *
 * @example
 * ```ts
 * import { captureHookInput, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const payload = JSON.stringify({ session_id: "s1", transcript_path: "/t/s1.jsonl" });
 * deepStrictEqual((await captureHookInput(workspace, payload)).outcome, "ok");
 * const relative = JSON.stringify({ session_id: "s2", transcript_path: "s2.jsonl" });
 * deepStrictEqual((await captureHookInput(workspace, relative)).outcome, "invalid_path");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export function captureHookInput(
  workspace: Workspace,
  input: string,
  options: CaptureOptions = {},
): Promise<CaptureResult> {
  return captureHookPayload(workspace, readHookPayload(input), options);
}

/**
 * Queues the transcript a payload read by {@linkcode readHookPayload} names,
 * or, when it names none, the one the environment names
 * ({@linkcode captureFromEnvironment}). Never throws.
 */
export function captureHookPayload(
  workspace: Workspace,
  payload: HookPayload,
  options: CaptureOptions = {},
): Promise<CaptureResult> {
  const { capture } = payload;
  const chosen = "outcome" in capture ? captureFromEnvironment(capture) : capture;
  if ("outcome" in chosen) return Promise.resolve(chosen);
  return queueCapture(workspace, chosen, options);
}
