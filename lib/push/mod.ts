/**
 * Pushing a workspace's transcripts to an Agnes server: the pipeline
 * (`push.ts`: collect → gzip check → send → record, then `CLAUDE.local.md`),
 * what it is told (`options.ts`) and reports (`report.ts`), what may leave
 * the machine (`path_safety.ts`), the JWT redaction every transcript and
 * `CLAUDE.local.md` go through before upload (`redact.ts`, with
 * `_upload_content.ts` preparing what the client sends), and the dry run
 * (`plan.ts`).
 *
 * May import: `http/`, `store/`, `lock/`, `config/`, `claude/`, `fs/`,
 * `format/`. Imported by `commands/`.
 *
 * @example What a push would do
 * ```ts
 * import { planPush } from "./mod.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual((await planPush(workspace, { server: "https://a.example", allowedRoots: [] })).localMd, null);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 *
 * @module
 */

export { checkUploadPath, type PathVerdict, UploadPathChecker } from "./path_safety.ts";
export type { PushClient, PushOptions } from "./options.ts";
export { type PlannedEntry, type PlanOptions, planPush, type PushPlan } from "./plan.ts";
export { push } from "./push.ts";
export { JwtRedactionStream, redactJwtBytes } from "./redact.ts";
export type { PushError, PushReport } from "./report.ts";
