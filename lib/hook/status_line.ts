/**
 * What the status-line hook shows for a session: a lock when it is private,
 * else nothing.
 *
 * @module
 */

import { isPrivateSession } from "../store/private_list.ts";
import type { Workspace } from "../store/workspace.ts";

/** What the status line shows for a private session. */
export const PRIVATE_INDICATOR = "🔒 agnes-private";

/**
 * The status-line text for a status-line hook payload (the JSON text Claude
 * Code sends on stdin): {@linkcode PRIVATE_INDICATOR} when its `session_id`
 * is on the private list, else empty. Never throws: malformed input and
 * unreadable files show nothing.
 *
 * @example
 * ```ts
 * import { addPrivateSession, statusLineText, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await addPrivateSession(workspace, "s1");
 * deepStrictEqual(await statusLineText(workspace, '{"session_id":"s1"}'), "🔒 agnes-private");
 * deepStrictEqual(await statusLineText(workspace, "not json"), "");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function statusLineText(workspace: Workspace, input: string): Promise<string> {
  try {
    const payload: unknown = JSON.parse(input);
    if (typeof payload !== "object" || payload === null) return "";
    const sessionId = (payload as Record<string, unknown>).session_id;
    if (typeof sessionId !== "string") return "";
    return await isPrivateSession(workspace, sessionId) ? PRIVATE_INDICATOR : "";
  } catch {
    return "";
  }
}
