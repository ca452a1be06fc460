/**
 * What the Claude Code hooks do with their payload, apart from the process
 * around them (`commands/`): the SessionStart / SessionEnd capture
 * (`capture.ts`, with its fallback to the environment Claude Code gives the
 * hook), the SessionStart catch-up decision (`catch_up.ts`) and the status
 * line (`status_line.ts`). None ever throws: every failure is an outcome.
 *
 * May import: `store/`, `lock/`, `claude/` (where a transcript lives), `fs/`, `format/`.
 * Imported by `commands/`.
 *
 * @example Capture a session, then show it private
 * ```ts
 * import { captureHookInput, statusLineText } from "./mod.ts";
 * import { addPrivateSession, Workspace } from "../store/mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * const payload = JSON.stringify({ session_id: "s1", transcript_path: "/t/s1.jsonl" });
 * deepStrictEqual((await captureHookInput(workspace, payload)).outcome, "ok");
 * await addPrivateSession(workspace, "s1");
 * deepStrictEqual(await statusLineText(workspace, payload), "🔒 agnes-private");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 *
 * @module
 */

export {
  captureHookInput,
  type CaptureOptions,
  type CaptureOutcome,
  type CaptureResult,
} from "./capture.ts";
export { PRIVATE_INDICATOR, statusLineText } from "./status_line.ts";
