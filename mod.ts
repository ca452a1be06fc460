/**
 * `@agnes/sessions`: collect Claude Code session transcripts in a workspace
 * and ship them to an Agnes server, never losing one, never uploading one the
 * user marked private, and never slowing Claude Code down.
 *
 * As a library it offers the workspace queue, the stale-safe file lock, the
 * private list, the hook logic, the push pipeline with its client, and an
 * Agnes-compatible receiver, all file-compatible with the Python `agnes` CLI.
 * Run as the main module it is the `agnes-sessions` CLI:
 *
 * ```sh
 * deno run -A jsr:@agnes/sessions push
 * ```
 *
 * @example Capture a session as the hook does, then push it to a receiver
 * ```ts
 * import { AgnesClient, captureHookInput, push, serveReceiver, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const workspace = new Workspace(`${root}/workspace`);
 * await Deno.mkdir(workspace.root);
 * const transcript = `${root}/projects/-workspace/s1.jsonl`;
 * await Deno.mkdir(`${root}/projects/-workspace`, { recursive: true });
 * await Deno.writeTextFile(transcript, '{"type":"user"}\n');
 * const hook = JSON.stringify({ session_id: "s1", transcript_path: transcript });
 * deepStrictEqual((await captureHookInput(workspace, hook)).outcome, "ok");
 *
 * let url = "";
 * const server = serveReceiver({ dataDir: `${root}/data`, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   const report = await push({ workspace, client, allowedRoots: [`${root}/projects`] });
 *   deepStrictEqual(report?.sessions, 1);
 * }
 * await server.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */

// The workspace and its files.
export {
  addPrivateSession,
  appendToQueue,
  discardSnapshot,
  isPrivateSession,
  listSnapshots,
  type MalformedRow,
  type QueueContents,
  type QueueEntry,
  type QueueRow,
  type QueueWriteOptions,
  readPrivateList,
  readQueueFile,
  readQueueRows,
  removePrivateSession,
  requeueEntries,
  snapshotQueue,
  Workspace,
  WORKSPACE_FILES,
  type WorkspaceFile,
  WorkspaceNotFoundError,
} from "./lib/store/mod.ts";
export { RefusedFileError } from "./lib/fs/mod.ts";

// The lock.
export {
  acquireLock,
  HeldLock,
  inspectLock,
  type LockOptions,
  type LockOwner,
  type LockState,
  LockTimeoutError,
  readLockOwner,
  withLock,
} from "./lib/lock/mod.ts";

// The hooks.
export {
  captureHookInput,
  type CaptureOptions,
  type CaptureOutcome,
  type CaptureResult,
  PRIVATE_INDICATOR,
  statusLineText,
} from "./lib/hook/mod.ts";

// Push, and the JWT redaction it applies before upload.
export {
  checkUploadPath,
  JwtRedactionStream,
  type PathVerdict,
  type PlannedEntry,
  type PlanOptions,
  planPush,
  push,
  type PushClient,
  type PushError,
  type PushOptions,
  type PushPlan,
  type PushReport,
  redactJwtBytes,
  UploadPathChecker,
} from "./lib/push/mod.ts";
export {
  claudeConfigDir,
  projectsRoot,
  SESSION_HOOK_EVENTS,
  type SessionHookEvent,
  SETTINGS_LEVELS,
  type SettingsLevel,
  settingsPath,
} from "./lib/claude/mod.ts";

// What install wired into Claude Code (for status).
export {
  inspectInstallation,
  type Installation,
  type InstalledHook,
  type InstalledSlashCommand,
  type InstalledStatusLine,
} from "./lib/install/mod.ts";
export {
  assertSafeServer,
  ConfigurationError,
  DEFAULT_SERVER,
  findServer,
  findToken,
  type FoundServer,
  type FoundToken,
  resolveServer,
  resolveToken,
} from "./lib/config/mod.ts";

// The client.
export {
  AgnesClient,
  type AgnesClientOptions,
  classifyOutcome,
  type HttpOutcome,
  type OutcomeClass,
  type ServerCheck,
  type ServerInfo,
  type UploadContent,
  type UploadOptions,
} from "./lib/http/mod.ts";

// The receiver (`serve`): a test double and a receiver for small teams; production runs the Agnes server.
export {
  createReceiver,
  type ReceiverOptions,
  type ReceiverServer,
  serveReceiver,
  type ServeReceiverOptions,
} from "./lib/receiver/mod.ts";

// Status.
export {
  collectStatus,
  type LogRow,
  type LogSummary,
  type Problem,
  type StatusOptions,
  type StatusReport,
} from "./lib/status/mod.ts";

export { VERSION } from "./lib/version.ts";

if (import.meta.main) {
  const { main } = await import("./cli.ts");
  Deno.exit(await main(Deno.args));
}
