/**
 * What is going on in a workspace, for `status`: the queue, pending
 * snapshots, the logs, the locks and who holds them, the capture
 * log, the server and whether it takes the token, what is installed
 * in Claude Code, and each problem with what to do (`collect_status.ts`,
 * report shape in `status_report.ts`). It writes nothing.
 *
 * May import: `install/`, `http/`, `config/`, `store/`, `lock/`, `cli/`, `fs/`,
 * `format/`. Imported by `commands/`.
 *
 * @example
 * ```ts
 * import { collectStatus } from "./mod.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual((await collectStatus(workspace, { offline: true })).queue.entries, 0);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 *
 * @module
 */

export { collectStatus, type StatusOptions } from "./collect_status.ts";
export type { LogRow, LogSummary, Problem, StatusReport } from "./status_report.ts";
