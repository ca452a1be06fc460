/**
 * Collecting what `status` shows, writing nothing.
 *
 * @module
 */

import { ConfigurationError } from "../config/configuration_error.ts";
import {
  assertSafeServer,
  DEFAULT_SERVER,
  findServer,
  type FoundServer,
} from "../config/server.ts";
import { findToken, type FoundToken } from "../config/token.ts";
import { AgnesClient } from "../http/client.ts";
import { inspectInstallation } from "../install/inspect.ts";
import type { Workspace } from "../store/workspace.ts";
import { derivedProblems } from "./_problems.ts";
import { workspaceState } from "./_workspace_state.ts";
import type { Problem, StatusReport } from "./status_report.ts";

/** Options for {@linkcode collectStatus}. */
export interface StatusOptions {
  /** The server (`--server`); default: `$AGNES_SERVER`, `config.yaml`, `http://localhost:8000`. */
  server?: string;
  /** Ask the server nothing. */
  offline?: boolean;
  /** Allow a token over plain http to a host other than loopback. */
  allowInsecure?: boolean;
  /** The clock. */
  now?: Date;
}

function configured<T>(read: () => T, fallback: T, problems: Problem[]): T {
  try {
    return read();
  } catch (error) {
    problems.push({ problem: (error as Error).message, fix: 'run "agnes-sessions login" again' });
    return fallback;
  }
}

async function askServer(
  found: FoundServer,
  token: FoundToken,
  options: StatusOptions,
  problems: Problem[],
): Promise<StatusReport["server"]["check"]> {
  try {
    assertSafeServer(found.server, options.allowInsecure ?? false);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push({ problem: error.message, fix: "use an https:// server URL" });
    return null;
  }
  using client = new AgnesClient({ server: found.server, token: token.token, timeoutMs: 10_000 });
  const check = await client.checkServer();
  if (!check.reachable) {
    problems.push({
      problem: `the server does not answer: ${check.error}`,
      fix: "check the server URL and your network; queued sessions wait until it answers",
    });
  } else if (check.token === "rejected") {
    problems.push({
      problem: `the server rejects the token (from ${token.source})`,
      fix: `run "agnes-sessions login --server ${found.server}" again`,
    });
  } else if (check.token !== "accepted") {
    const answer = check.token.kind === "http" ? `HTTP ${check.token.status}` : check.token.error;
    problems.push({
      problem: `the server's answer to a token check was unexpected: ${answer}`,
      fix: "check the server URL: it may not be an Agnes server",
    });
  }
  return check;
}

async function serverState(
  options: StatusOptions,
  problems: Problem[],
): Promise<StatusReport["server"]> {
  const fallback: FoundServer = { server: DEFAULT_SERVER, source: "default" };
  const found = configured(() => findServer(options.server), fallback, problems);
  const token = configured(findToken, undefined, problems);
  if (token === undefined) {
    problems.push({
      problem: "no token is configured",
      fix: `run "agnes-sessions login --server ${found.server}"`,
    });
  }
  const check = token === undefined || options.offline
    ? null
    : await askServer(found, token, options, problems);
  return { url: found.server, source: found.source, tokenSource: token?.source ?? null, check };
}

/**
 * Collects what `status` shows of `workspace`: its queue, snapshots, logs,
 * locks, the capture log, the server (asked unless `offline`), what is installed
 * in Claude Code, and every problem with what to do. Writes nothing.
 *
 * @example
 * ```ts
 * import { collectStatus, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * Deno.env.set("AGNES_TOKEN", "t0k3n");
 * const report = await collectStatus(workspace, { offline: true });
 * deepStrictEqual(report.server.tokenSource, "$AGNES_TOKEN");
 * deepStrictEqual(report.problems.map((problem) => problem.fix), ['run "agnes-sessions install" in this workspace']);
 * Deno.env.delete("AGNES_TOKEN");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function collectStatus(
  workspace: Workspace,
  options: StatusOptions = {},
): Promise<StatusReport> {
  const problems: Problem[] = [];
  const report: StatusReport = {
    workspace: workspace.root,
    ...await workspaceState(workspace, problems),
    server: await serverState(options, problems),
    installation: inspectInstallation(workspace),
    problems,
  };
  problems.push(...derivedProblems(report, options.now ?? new Date()));
  return report;
}
