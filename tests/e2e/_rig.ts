/**
 * What every end-to-end scenario stands on: the real Claude Code (pinned,
 * `tools/claude_code.ts`) run as `claude -p` in a git workspace wired by our
 * `install`, against a stand-in Messages API (`anthropic_api.ts`) and our
 * receiver, everything on loopback, in a temp folder holding the home, Claude
 * Code's config folder and ours.
 *
 * Nothing here sleeps a fixed time: what happens after Claude Code exits
 * (the SessionEnd hook, which runs `async`, and its detached push) is polled
 * for with a deadline.
 *
 * @module
 */

import { claudeCodeEnv, ensureClaudeCode, processesNaming } from "../../tools/claude_code.ts";
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { CLI, runCli, type RunResult, startReceiver, type TestReceiver } from "../_helpers.ts";
import { ANSWER, type StandInApi, startStandInApi } from "./anthropic_api.ts";

/** The pinned Claude Code binary (installed into `.tools/` on first use). */
export const CLAUDE: string = await ensureClaudeCode();

/** How the hooks run this checkout: `deno run -A <checkout>/cli.ts`. */
export const HOOK_PREFIX = `${Deno.execPath()} run -A ${CLI}`;

/** The longest wait for anything a hook or a background push does. */
const DEADLINE_MS = 20_000;

/** One scenario's world. */
export interface Rig extends AsyncDisposable {
  /** The temp folder holding everything below. */
  root: string;
  /** The workspace: a git repository, Claude Code's working directory. */
  workspace: string;
  /** `CLAUDE_CONFIG_DIR`. */
  configDir: string;
  /** The stand-in Messages API. */
  api: StandInApi;
  /** Our receiver, which `login` pointed the workspace at. */
  receiver: TestReceiver;
  /** The whole environment Claude Code (and so every hook) runs with. */
  env: Record<string, string>;
}

/** Options for {@linkcode startRig}. */
export interface RigOptions {
  /** Settings written to `.claude/settings.local.json` before `install` runs. */
  settings?: Record<string, unknown>;
}

/** Runs `git` in `cwd` and throws when it fails. */
async function git(cwd: string, args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command("git", { args, cwd, stderr: "piped" })
    .output();
  if (!success) {
    throw new Error(`Cannot run git ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
  }
}

/** Runs our CLI with the rig's environment and asserts it exits 0. */
export async function agnes(rig: Rig, args: string[], stdin?: string): Promise<RunResult> {
  const result = await runCli(args, {
    env: rig.env,
    cwd: rig.workspace,
    ...(stdin === undefined ? {} : { stdin }),
  });
  assertEquals(result.code, 0, `agnes-sessions ${args.join(" ")}: ${result.stderr}`);
  return result;
}

/**
 * Starts a rig: temp folders, a git workspace, the stand-in API, our
 * receiver, `login` to it, and `install` with the hooks running this checkout.
 */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "agnes-e2e-" }));
  const workspace = `${root}/workspace`;
  await Deno.mkdir(`${workspace}/.claude`, { recursive: true });
  await Deno.mkdir(`${root}/home`);
  await git(workspace, ["init", "--quiet"]);
  if (options.settings !== undefined) {
    await Deno.writeTextFile(
      `${workspace}/.claude/settings.local.json`,
      JSON.stringify(options.settings, null, 2) + "\n",
    );
  }
  const api = startStandInApi();
  const receiver = await startReceiver();
  const rig: Rig = {
    root,
    workspace,
    configDir: `${root}/claude`,
    api,
    receiver,
    env: {
      ...claudeCodeEnv({ home: `${root}/home`, configDir: `${root}/claude`, apiUrl: api.url }),
      AGNES_CONFIG_DIR: `${root}/agnes`,
    },
    [Symbol.asyncDispose]: () => disposeRig(rig),
  };
  await agnes(rig, ["login", "--server", receiver.url, "--token-stdin"], receiver.token);
  await agnes(rig, ["install", "--workspace", workspace, "--command", HOOK_PREFIX]);
  return rig;
}

/** Waits for the rig's background pushes to end, then stops its servers and removes it. */
async function disposeRig(rig: Rig): Promise<void> {
  try {
    await waitUntil(
      "the workspace's background processes to end",
      () => processesNaming(rig.workspace).then((pids) => pids.length === 0),
    );
  } finally {
    await rig.api[Symbol.asyncDispose]();
    await rig.receiver[Symbol.asyncDispose]();
    await Deno.remove(rig.root, { recursive: true });
  }
}

/** Polls `check` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number = DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Options for {@linkcode runClaude}. */
export interface SessionOptions {
  /** The prompt (default: a plain question). */
  prompt?: string;
  /** Continue this session (`--resume`) instead of starting a new one. */
  resume?: string;
}

/** What one `claude -p` run left. */
export interface Session {
  /** Its session id. */
  id: string;
  /** What Claude Code printed. */
  result: RunResult;
}

/** Runs `claude -p` once in the workspace, to the end (at most 60 s), and returns what it did. */
export async function runClaude(rig: Rig, options: SessionOptions = {}): Promise<Session> {
  const id = options.resume ?? crypto.randomUUID();
  const prompt = options.prompt ?? "Say something short.";
  const args = options.resume === undefined
    ? ["-p", "--session-id", id, prompt]
    : ["-p", "--resume", id, prompt];
  const output = await new Deno.Command(CLAUDE, {
    args,
    cwd: rig.workspace,
    env: rig.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decoder = new TextDecoder();
  const result = {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
  return { id, result };
}

/**
 * Runs `claude -p`, asserts that it held a session with the stand-in API, and
 * waits for its SessionEnd hook to end (Claude Code does not).
 */
export async function session(rig: Rig, options: SessionOptions = {}): Promise<string> {
  const { id, result } = await runClaude(rig, options);
  assertEquals(result.code, 0, `claude -p exited ${result.code}: ${result.stderr}`);
  assertStringIncludes(result.stdout, ANSWER);
  // Install's SessionEnd hook is `async`: Claude Code exits without waiting for it.
  await waitUntil("the SessionEnd hook to end", async () => !await captureRunsIn(rig.workspace));
  return id;
}

/** Whether a `capture-session` hook runs in `workspace` (its current folder; Linux: `/proc`). */
async function captureRunsIn(workspace: string): Promise<boolean> {
  for (const pid of await processesNaming("capture-session")) {
    try {
      if (await Deno.readLink(`/proc/${pid}/cwd`) === workspace) return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}

/** Claude Code's transcript of session `id`, found under its projects folder. */
export async function transcriptPath(rig: Rig, id: string): Promise<string> {
  const projects = `${rig.configDir}/projects`;
  for await (const folder of Deno.readDir(projects)) {
    const path = `${projects}/${folder.name}/${id}.jsonl`;
    try {
      await Deno.lstat(path);
      return path;
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(`Cannot find the transcript of session ${id} under ${projects}`);
}

/** The bytes the receiver stored for session `id`, or `undefined`. */
export async function stored(rig: Rig, id: string): Promise<Uint8Array | undefined> {
  return (await rig.receiver.stored()).get(`${id}.jsonl`);
}

/** Whether two byte arrays are equal. */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/**
 * Waits until the receiver holds session `id`'s transcript as it is on disk
 * now, byte for byte; returns those bytes.
 */
export async function waitForUpload(rig: Rig, id: string): Promise<Uint8Array> {
  const transcript = await Deno.readFile(await transcriptPath(rig, id));
  try {
    await waitUntil(
      `session ${id} on the server`,
      async () => sameBytes(await stored(rig, id), transcript),
    );
  } catch (error) {
    const got = await stored(rig, id);
    const state = got === undefined ? "nothing stored" : `${got.length} bytes stored`;
    throw new Error(`${(error as Error).message}: ${state}, transcript ${transcript.length} bytes`);
  }
  return transcript;
}

/** The rows of a workspace log in `.claude/` (TAB-separated), or none. */
export async function workspaceRows(rig: Rig, name: string): Promise<string[][]> {
  try {
    const text = await Deno.readTextFile(`${rig.workspace}/.claude/${name}`);
    return text.split("\n").filter((line) => line !== "").map((line) => line.split("\t"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** The workspace's local settings, parsed. */
export async function readSettings(rig: Rig): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(`${rig.workspace}/.claude/settings.local.json`));
}

/** Writes the workspace's local settings. */
export async function writeSettings(rig: Rig, settings: Record<string, unknown>): Promise<void> {
  await Deno.writeTextFile(
    `${rig.workspace}/.claude/settings.local.json`,
    JSON.stringify(settings, null, 2) + "\n",
  );
}

/** Every hook command in `settings`, by event. */
export function hookCommands(settings: Record<string, unknown>): Record<string, string[]> {
  const hooks = (settings.hooks ?? {}) as Record<string, { hooks: { command: string }[] }[]>;
  return Object.fromEntries(
    Object.entries(hooks).map((
      [event, groups],
    ) => [event, groups.flatMap((group) => group.hooks.map((hook) => hook.command))]),
  );
}
