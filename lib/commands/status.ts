/**
 * `agnes-sessions status`: what is going on, and what to do about it.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/args.ts";
import { ReportedFailure } from "../cli/exit_code.ts";
import type { LockState } from "../lock/inspect_lock.ts";
import { collectStatus } from "../status/collect_status.ts";
import type { LogSummary, StatusReport } from "../status/status_report.ts";
import { Workspace } from "../store/workspace.ts";

/** Help text. */
export const help = `Usage: agnes-sessions status [options]

Shows what is going on in the workspace: the sessions waiting in the queue,
pushes that did not finish, the last successful push and the last catch-up push
the SessionStart hook started, the last uploads, failures and private skips, who
holds the locks, the server and whether it takes the token (a quick check that
stores nothing; skipped with --offline), where the token comes from (never the
token), the capture hook's last runs, and whether the hooks, status line and
/agnes-private are installed in Claude Code (the Python agnes tool's too).
Each problem comes with one line saying what to do. Writes nothing.

Exit 0 when healthy, 1 when something needs you.

Options:
  --workspace DIR    Workspace folder (default: $AGNES_LOCAL_DIR, $CLAUDE_PROJECT_DIR,
                     the nearest folder up with our files in .claude/, the current folder)
  --server URL       Server (default: $AGNES_SERVER, config.yaml, http://localhost:8000)
  --offline          Do not ask the server
  --allow-insecure   Allow the token check over plain http to a host other than loopback
  --json             Print one JSON object (stable keys, snake_case)
  -h, --help         Show this help

Examples:
  agnes-sessions status
  agnes-sessions status --offline --json`;

function lockText(lock: LockState): string {
  if (lock.state === "not_a_lock_file") return `not a lock file (${lock.detail})`;
  if (lock.state === "free") return "free";
  const owner = lock.owner;
  return owner === null
    ? "held (by the Python agnes tool, or a record we cannot read)"
    : `held by ${owner.purpose} (pid ${owner.pid} on ${owner.host}, since ${owner.created})`;
}

function logText(summary: LogSummary, noun: string): string {
  const last = summary.last.at(-1);
  if (last === undefined) return `none`;
  return `${summary.total} ${noun}; last ${last.time}  ${last.fields.join("  ")}`;
}

function serverText(server: StatusReport["server"]): string[] {
  const lines = [`${server.url} (from ${server.source})`];
  lines.push(server.tokenSource === null ? "no token" : `token from ${server.tokenSource}`);
  const check = server.check;
  if (check === null) return [...lines, "not asked"];
  if (!check.reachable) return [...lines, `does not answer: ${check.error}`];
  const token = check.token === "accepted" || check.token === "rejected"
    ? `token ${check.token}`
    : "token check inconclusive";
  const { accepts, minVersion, latestVersion } = check.info;
  const versions = minVersion || latestVersion
    ? `; Python agnes CLI versions: min ${minVersion ?? "-"}, latest ${latestVersion ?? "-"}`
    : "";
  return [
    ...lines,
    `answers; ${token}; accepts ${[...accepts].join(", ") || "nothing"}${versions}`,
  ];
}

function installText(report: StatusReport): string[] {
  const { hooks, statusLine, slashCommand, python } = report.installation;
  const hookText = (["SessionStart", "SessionEnd"] as const).map((event) =>
    `${event} ${hooks[event].length > 0 ? `yes (${hooks[event][0]!.level})` : "no"}`
  ).join(", ");
  const lines = [
    `hooks: ${hookText}`,
    `status line: ${statusLine === null ? "none" : `${statusLine.owner} (${statusLine.level})`}`,
    `/agnes-private: ${slashCommand === null ? "none" : slashCommand.owner}`,
  ];
  const pythonHooks = python.hooks.SessionStart.length + python.hooks.SessionEnd.length;
  if (pythonHooks > 0) {
    lines.push("the Python agnes tool's hooks are installed too (they share the queue safely)");
  }
  return lines;
}

/** The report as text, one topic a line. */
function render(report: StatusReport): string {
  const { queue, snapshots, privacy, pushes, captures, locks } = report;
  const outcomes = Object.entries(captures.outcomes).map(([name, n]) => `${n} ${name}`).join(", ");
  const section = (title: string, lines: string[]) =>
    lines.map((line, i) => `${(i === 0 ? title : "").padEnd(12)}${line}`);
  const lines = [
    ...section("Workspace", [report.workspace]),
    ...section("Queue", [
      `${queue.entries} waiting, ${queue.requeued} after a failure${
        queue.oldestFailure ? ` (since ${queue.oldestFailure})` : ""
      }${queue.malformed ? `, ${queue.malformed} unreadable rows` : ""}`,
    ]),
    ...section("Snapshots", [
      snapshots.count === 0
        ? "none pending"
        : `${snapshots.count} pending since ${snapshots.oldest}`,
    ]),
    ...section("Uploads", [logText(report.uploads, "in all")]),
    ...section("Failures", [logText(report.failures, "given up")]),
    ...section("Pushes", [
      `last successful ${pushes.lastSuccess ?? "none recorded"}${
        pushes.lastCatchUp ? `; last catch-up started ${pushes.lastCatchUp}` : ""
      }`,
    ]),
    ...section("Private", [
      `${privacy.marked ?? "?"} marked; skipped: ${logText(privacy.skipped, "in all")}`,
    ]),
    ...section("Locks", [`queue: ${lockText(locks.queue)}`, `push: ${lockText(locks.push)}`]),
    ...section("Server", serverText(report.server)),
    ...section("Captures", [
      outcomes === ""
        ? "none yet"
        : `${outcomes}${
          captures.last.length
            ? `; last ${captures.last.at(-1)!.time} ${captures.last.at(-1)!.fields[0]}`
            : ""
        }`,
    ]),
    ...section("Claude Code", installText(report)),
  ];
  const problems = report.problems.map(({ problem, fix }) => `- ${problem}\n  ${fix}`);
  const tail = problems.length === 0
    ? "\nAll good."
    : `\n${problems.length === 1 ? "1 problem" : `${problems.length} problems`}:\n${
      problems.join("\n")
    }`;
  return lines.join("\n") + "\n" + tail;
}

/** `value` with every object key in snake_case (`lastOwner` → `last_owner`). */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value instanceof Set) return [...value].map(snakeKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase(),
      snakeKeys(item),
    ]),
  );
}

/** The server part of `--json`: what was asked and answered, flat. */
function serverJson(server: StatusReport["server"]): Record<string, unknown> {
  const check = server.check;
  const answered = check !== null && check.reachable ? check : null;
  const token = answered === null
    ? null
    : typeof answered.token === "string"
    ? answered.token
    : "unknown";
  return {
    url: server.url,
    source: server.source,
    tokenSource: server.tokenSource,
    reachable: check === null ? null : check.reachable,
    token,
    error: check !== null && !check.reachable ? check.error : null,
    accepts: answered === null ? null : [...answered.info.accepts],
    minVersion: answered?.info.minVersion ?? null,
    latestVersion: answered?.info.latestVersion ?? null,
  };
}

/**
 * The `--json` object: the report under stable snake_case keys, plus
 * `healthy`.
 */
export function statusJson(report: StatusReport): unknown {
  return snakeKeys({
    ...report,
    server: serverJson(report.server),
    healthy: report.problems.length === 0,
  });
}

/** Runs `status`; throws (exit 1) when something needs the analyst, after printing the report. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    workspace: "string",
    server: "string",
    offline: "boolean",
    "allow-insecure": "boolean",
    json: "boolean",
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  const workspace = Workspace.resolve(values.workspace);
  const report = await collectStatus(workspace, {
    ...(values.server === undefined ? {} : { server: values.server }),
    offline: values.offline ?? false,
    allowInsecure: values["allow-insecure"] ?? false,
  });
  console.log(values.json ? JSON.stringify(statusJson(report)) : render(report));
  if (report.problems.length > 0) throw new ReportedFailure();
}
