/** The push tests' harness: a workspace, a Claude projects folder and a real receiver. */

import { runCli, startReceiver, tempWorkspace, TEST_TOKEN, type TestReceiver } from "./_helpers.ts";
import {
  AgnesClient,
  appendToQueue,
  push,
  type PushOptions,
  type PushReport,
  type Workspace,
} from "../mod.ts";
import { formatTimestamp } from "../lib/format/timestamp.ts";

/** A workspace, a Claude projects folder with transcripts, and a receiver. */
export interface Setup extends AsyncDisposable {
  workspace: Workspace;
  receiver: TestReceiver;
  claudeDir: string;
  projects: string;
  /** Every upload the receiver saw, in arrival order: [name, gzip]. */
  seen: [string, boolean][];
  /** Status to answer per transcript name (the rest are stored). */
  statuses: Map<string, number | Response>;
  env: Record<string, string>;
  transcript(name: string, content?: string): Promise<string>;
  queue(...entries: [string, string, string?][]): Promise<void>;
  push(overrides?: Partial<PushOptions>): Promise<PushReport>;
  cli(args: string[], env?: Record<string, string>): ReturnType<typeof runCli>;
}

export async function setup(
  receiverOptions: Parameters<typeof startReceiver>[0] = {},
): Promise<Setup> {
  const workspace = await tempWorkspace();
  const claudeDir = await Deno.makeTempDir({ prefix: "agnes-claude-" });
  const projects = `${claudeDir}/projects`;
  await Deno.mkdir(`${projects}/-w`, { recursive: true });
  const seen: [string, boolean][] = [];
  const statuses = new Map<string, number | Response>();
  const receiver = await startReceiver({
    scripted: (name, { gzip }) => {
      seen.push([name, gzip]);
      const status = statuses.get(name);
      if (status === undefined) return undefined;
      return status instanceof Response
        ? status
        : Response.json({ detail: "scripted" }, { status });
    },
    ...receiverOptions,
  });
  const env = {
    AGNES_SERVER: receiver.url,
    AGNES_TOKEN: TEST_TOKEN,
    CLAUDE_CONFIG_DIR: claudeDir,
    AGNES_CONFIG_DIR: `${claudeDir}/agnes-config`,
  };
  return {
    workspace,
    receiver,
    claudeDir,
    projects,
    seen,
    statuses,
    env,
    async transcript(name, content = `{"session":"${name}"}\n`) {
      const path = `${projects}/-w/${name}.jsonl`;
      await Deno.writeTextFile(path, content);
      return path;
    },
    async queue(...entries) {
      await appendToQueue(
        workspace,
        entries.map(([sessionId, path, stamp = ""]) => ({ sessionId, path, stamp })),
      );
    },
    async push(overrides = {}) {
      using client = new AgnesClient({ server: receiver.url, token: TEST_TOKEN });
      return ran(
        await push({ workspace, client, allowedRoots: [projects], concurrency: 1, ...overrides }),
      );
    },
    cli(args, extra = {}) {
      return runCli(["push", "--workspace", workspace.root, ...args], {
        env: { ...env, ...extra },
      });
    },
    async [Symbol.asyncDispose]() {
      await receiver[Symbol.asyncDispose]();
      await workspace[Symbol.asyncDispose]();
      await Deno.remove(claudeDir, { recursive: true });
    },
  };
}

/** Pushes to a loopback port nothing listens on: every upload is a network error. */
export async function pushToUnreachable(s: Setup): Promise<PushReport> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = listener.addr.port;
  listener.close();
  using client = new AgnesClient({ server: `http://127.0.0.1:${closedPort}`, token: TEST_TOKEN });
  return ran(await push({ workspace: s.workspace, client, allowedRoots: [s.projects] }));
}

/** The report of a push that ran (`null` means the push lock was held). */
function ran(report: PushReport | null): PushReport {
  if (report === null) throw new Error("the push lock was held: the push did not run");
  return report;
}

/** A first-failure stamp `days` ago. */
export const daysAgo = (days: number): string =>
  formatTimestamp(new Date(Date.now() - days * 24 * 3600 * 1000));
