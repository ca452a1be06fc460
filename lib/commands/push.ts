/**
 * `agnes-sessions push`: upload queued transcripts and `CLAUDE.local.md`.
 *
 * @module
 */

import { projectsRoot } from "../claude/transcripts.ts";
import { parseCommandArgs, type ParsedArgs, UsageError } from "../cli/args.ts";
import { spawnDetached } from "../cli/detach.ts";
import { ReportedFailure } from "../cli/exit_code.ts";
import { ConfigurationError } from "../config/configuration_error.ts";
import { assertSafeServer, resolveServer } from "../config/server.ts";
import { resolveToken } from "../config/token.ts";
import { resolvePath } from "../fs/path.ts";
import { AgnesClient } from "../http/client.ts";
import { planPush } from "../push/plan.ts";
import { push } from "../push/push.ts";
import { emptyReport, type PushReport } from "../push/report.ts";
import { planJson, planLines, printWarnings, reportJson, reportLines } from "./_push_output.ts";
import { Workspace } from "../store/workspace.ts";

const encoder = new TextEncoder();

/** Help text. */
export const help = `Usage: agnes-sessions push [options]

Uploads the transcripts queued in .claude/agnes-sessions.txt (and any left by
an interrupted push) to the Agnes server, skipping private sessions, then
uploads .claude/CLAUDE.local.md when it changed. Failed uploads are requeued or
logged, and the push still exits 0. It exits 1 when it cannot start or must
stop: no token, a server it may not send the token to, the server moved (3xx),
the server rejected the token (401; the sessions stay queued, run login), a
workspace file it refuses to read (the queue, the private list), or an outcome
it cannot record (the snapshot then stays for the next push).

The token comes from $AGNES_TOKEN, else token.json in the configuration
folder (\${AGNES_CONFIG_DIR:-~/.config/agnes}, written by login): the
environment wins, as in most command-line tools. The Python agnes tool
prefers the file, so with both tools and AGNES_TOKEN set, each may send a
different token.

Options:
  --server URL         Server (default: $AGNES_SERVER, config.yaml, http://localhost:8000)
  --workspace DIR      Workspace folder (default: $AGNES_LOCAL_DIR, $CLAUDE_PROJECT_DIR,
                       the nearest folder up with our files in .claude/, the current folder)
  --dry-run            Show what would be uploaded; consume, lock and send nothing
  --json               Print one JSON object
  --quiet              Print only warnings
  --concurrency N      Parallel uploads (default 4)
  --retry-failed       Give entries of the failed log one more try
  --scan               Also send this workspace's transcripts found in Claude Code's
                       projects folder that the server has not got (new or changed)
  --allow-path DIR     Also upload transcripts under DIR (repeatable)
  --allow-insecure     Allow sending the token over plain http to a non-loopback host
  --no-gzip            Never gzip uploads (also: AGNES_PUSH_NO_GZIP=1)
  --detach             Run in the background and return at once (for hooks)
  -h, --help           Show this help

Examples:
  agnes-sessions push
  agnes-sessions push --dry-run --scan
  agnes-sessions push --json --quiet
  agnes-sessions push --retry-failed`;

const OPTIONS = {
  "server": "string",
  "workspace": "string",
  "dry-run": "boolean",
  "json": "boolean",
  "quiet": "boolean",
  "concurrency": "string",
  "retry-failed": "boolean",
  "scan": "boolean",
  "allow-path": "strings",
  "allow-insecure": "boolean",
  "no-gzip": "boolean",
  "detach": "boolean",
} as const;

/** Prints what `--dry-run` found, touching nothing. */
async function dryRun(
  workspace: Workspace,
  values: { server?: string; json?: boolean; quiet?: boolean; scan?: boolean },
  allowedRoots: string[],
): Promise<void> {
  const plan = await planPush(workspace, {
    server: resolveServer(values.server),
    allowedRoots,
    scan: values.scan ?? false,
  });
  if (values.json) console.log(JSON.stringify(planJson(plan), null, 2));
  else console.log(planLines(plan, values.quiet ?? false).join("\n"));
}

/** Progress on stderr, for a person watching a terminal push many uploads. */
function progressLine(done: number, total: number): void {
  if (total < 10) return;
  let text = `\rUploading ${done}/${total}\x1b[K`;
  if (done === total) text += "\r\x1b[K"; // leave a clean line for the summary
  Deno.stderr.writeSync(encoder.encode(text));
}

/** Where a push goes and with what. */
interface PushTarget {
  workspace: Workspace;
  server: string;
  token: string;
}

/** The workspace, server and token of a push; throws when one is missing or unsafe. */
function resolveTarget(
  values: { workspace?: string; server?: string; "allow-insecure"?: boolean },
): PushTarget {
  const workspace = Workspace.resolve(values.workspace);
  const server = resolveServer(values.server);
  const token = resolveToken();
  if (token === undefined) {
    throw new ConfigurationError(
      `Cannot push: no token is configured. Run "agnes-sessions login --server ${server}" (or set AGNES_TOKEN)`,
    );
  }
  assertSafeServer(server, values["allow-insecure"] ?? false);
  return { workspace, server, token };
}

/**
 * Prints the report of a push that stopped on an error, for `--json`, which
 * promises one object with the same keys on every path (but that of a held
 * push lock, which prints nothing at all).
 */
function printStopped(error: unknown): void {
  const stopped = error instanceof Error ? error.message : String(error);
  console.log(JSON.stringify(reportJson({ ...emptyReport(), stopped })));
}

/** The options of `push`, as read from its arguments. */
type PushValues = ParsedArgs<typeof OPTIONS>["values"];

/** What `push` was asked, once its arguments are read. */
interface PushRequest {
  values: PushValues;
  allowedRoots: string[];
  concurrency: number;
  progress: boolean;
}

/** Pushes to the target the options name; `null` report when another push holds the lock. */
async function pushToTarget(
  request: PushRequest,
): Promise<{ report: PushReport | null; server: string }> {
  const { values, allowedRoots, concurrency, progress } = request;
  const { workspace, server, token } = resolveTarget(values);
  using client = new AgnesClient({ server, token });
  const report = await push({
    workspace,
    client,
    allowedRoots,
    concurrency,
    gzip: !(values["no-gzip"] || Deno.env.get("AGNES_PUSH_NO_GZIP") === "1"),
    retryFailed: values["retry-failed"] ?? false,
    scan: values.scan ?? false,
    ...(progress ? { onProgress: progressLine } : {}),
  });
  return { report, server };
}

/** Runs `push`. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError("Option --concurrency takes a whole number from 1 to 64");
  }
  if (values.detach) {
    spawnDetached(["push", ...args.filter((arg) => arg !== "--detach")]);
    return;
  }
  const allowedRoots = [projectsRoot(), ...(values["allow-path"] ?? []).map(resolvePath)];
  if (values["dry-run"]) {
    return await dryRun(Workspace.resolve(values.workspace), values, allowedRoots);
  }
  const quiet = values.quiet ?? false;
  const json = values.json ?? false;
  const progress = !quiet && !json && Deno.stderr.isTerminal();
  let pushed: Awaited<ReturnType<typeof pushToTarget>>;
  try {
    pushed = await pushToTarget({ values, allowedRoots, concurrency, progress });
  } catch (error) {
    if (json) printStopped(error);
    throw error;
  }
  const { report, server } = pushed;
  if (report === null) {
    if (!quiet && !json && Deno.stderr.isTerminal()) {
      console.error("agnes-sessions push: another push is running in this workspace");
    }
    return;
  }
  if (json) console.log(JSON.stringify(reportJson(report)));
  else if (!quiet) console.log(reportLines(report).join("\n"));
  printWarnings(report, server);
  if (report.stopped !== null) throw new ConfigurationError(`Push stopped: ${report.stopped}`);
  // The warning above says what to do (login); the entries stay queued.
  if (report.tokenRejected) throw new ReportedFailure();
}
