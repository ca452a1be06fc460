/**
 * `@agnes/sessions`: collect Claude Code session transcripts in a workspace
 * and ship them to an Agnes server, never losing one, never uploading one the
 * user marked private, and never slowing Claude Code down.
 *
 * As a library it offers the workspace queue, the stale-safe file lock, the
 * private list and the hook logic, all file-compatible with the Python
 * `agnes` CLI. Run as the main module it is the `agnes-sessions` CLI:
 *
 * ```sh
 * deno run -A jsr:@agnes/sessions push
 * ```
 *
 * @example Queue a transcript and take a snapshot, as a push does
 * ```ts
 * import { appendToQueue, readQueueFile, snapshotQueue, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await appendToQueue(workspace, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * const snapshot = await snapshotQueue(workspace);
 * const { entries } = await readQueueFile(snapshot!);
 * deepStrictEqual(entries, [{ sessionId: "s1", path: "/t/s1.jsonl", stamp: "" }]);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 *
 * @module
 */

export * from "./lib/args.ts";
export * from "./lib/breadcrumb.ts";
export * from "./lib/capture.ts";
export * from "./lib/client.ts";
export * from "./lib/config.ts";
export * from "./lib/detach.ts";
export * from "./lib/lock.ts";
export * from "./lib/logs.ts";
export * from "./lib/multipart_parser.ts";
export * from "./lib/path_safety.ts";
export * from "./lib/private_list.ts";
export * from "./lib/push.ts";
export * from "./lib/queue.ts";
export * from "./lib/receiver.ts";
export * from "./lib/redact.ts";
export * from "./lib/row.ts";
export * from "./lib/stdin.ts";
export * from "./lib/text_file.ts";
export * from "./lib/timestamp.ts";
export * from "./lib/version.ts";
export * from "./lib/workspace.ts";

if (import.meta.main) {
  const { main } = await import("./cli.ts");
  Deno.exit(await main(Deno.args));
}
