/**
 * Session overhead where users feel it: the wall time of a real `claude -p`
 * session (Claude Code pinned by `tools/claude_code.ts`, a stand-in Messages
 * API on loopback) with our hooks, divided by the same session with no-op
 * hooks (`true`), in rounds of one session each (each round starting with
 * another), so drift in machine load hits all alike; the ratio is the median
 * of each round's ratio to its own no-op session. Our hooks run once from
 * the bundle, with the compiled binary's flags (target: at most 1.08), once
 * from the sources through `deno run` of `cli.ts` (at most 1.15). Each workspace's
 * settings are written by `install --command` (so the bench runs what users
 * get: SessionEnd `async`), the no-op ones too, with each command then made
 * `true`. A session's SessionEnd hook, which Claude Code does not wait for,
 * and the background push it starts are waited for before the next session,
 * so they never run under another's measurement.
 *
 * Then where the time goes: the modules each hook loads from the sources,
 * each hook run alone, and how long a parent waiting on the SessionEnd hook's
 * pipes (as Claude Code does) waits after it exits.
 *
 * `deno run -A bench/session.ts` (`BENCH_RUNS`, default 20 sessions each;
 * `BENCH_SESSION_SPLIT=1` adds sessions with one of the sources' hooks at a
 * time: SessionStart alone, SessionEnd alone, SessionEnd without its push).
 *
 * @module
 */

import { claudeCodeEnv, ensureClaudeCode, processesNaming } from "../tools/claude_code.ts";
import { startStandInApi } from "../tests/e2e/anthropic_api.ts";
import {
  buildBundle,
  CLI,
  clientEnv,
  FLAGS,
  heading,
  median,
  ms,
  note,
  report,
  ROOT,
  startReceiver,
} from "./_bench.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 20);
/** Also time sessions with one of the sources' hooks at a time (`BENCH_SESSION_SPLIT=1`). */
const SPLIT = Deno.env.get("BENCH_SESSION_SPLIT") === "1";

/** The hook commands of one kind of session. */
interface Hooks {
  sessionStart: string;
  sessionEnd: string;
  statusLine: string;
}

/** No-op hooks: `true` for each. */
const NO_OP: Hooks = { sessionStart: "true", sessionEnd: "true", statusLine: "true" };

/** A hook entry as settings hold it: its commands, with whatever else install wrote. */
type SettingsEntry = { hooks: { command: string }[] };

/** The commands of the hooks in `settings` (install's: one entry of one hook per event). */
function hooksIn(settings: Record<string, unknown>): Hooks {
  const events = settings.hooks as Record<string, SettingsEntry[]>;
  return {
    sessionStart: events.SessionStart![0]!.hooks[0]!.command,
    sessionEnd: events.SessionEnd![0]!.hooks[0]!.command,
    statusLine: (settings.statusLine as { command: string }).command,
  };
}

/** `settings`, as `install` wrote them, with each hook's and the status line's command from `hooks`. */
function withCommands(settings: Record<string, unknown>, hooks: Hooks): Record<string, unknown> {
  const events = settings.hooks as Record<string, SettingsEntry[]>;
  const entry = (event: string, command: string) =>
    events[event]!.map((entry) => ({
      ...entry,
      hooks: entry.hooks.map((hook) => ({ ...hook, command })),
    }));
  return {
    ...settings,
    hooks: {
      ...events,
      SessionStart: entry("SessionStart", hooks.sessionStart),
      SessionEnd: entry("SessionEnd", hooks.sessionEnd),
    },
    statusLine: { ...settings.statusLine as Record<string, unknown>, command: hooks.statusLine },
  };
}

/** One kind of session: its workspace (a git repository with its own settings). */
interface Variant {
  name: string;
  workspace: string;
  hooks: Hooks;
}

/**
 * Creates the variant's workspace under `root`: `install --command prefix`
 * (from the sources, with `env`), then the commands `change` makes of the
 * installed ones, if any.
 */
async function makeVariant(
  root: string,
  name: string,
  prefix: string,
  change: (installed: Hooks) => Hooks,
  env: Record<string, string>,
): Promise<Variant> {
  const workspace = `${root}/${name.replace(/\W+/g, "-")}`;
  await Deno.mkdir(workspace, { recursive: true });
  await new Deno.Command("git", { args: ["init", "--quiet"], cwd: workspace }).output();
  const installed = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "install", "--workspace", workspace, "--command", prefix],
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!installed.success) {
    const stderr = new TextDecoder().decode(installed.stderr);
    throw new Error(`Cannot benchmark: install into ${workspace} failed: ${stderr}`);
  }
  const path = `${workspace}/.claude/settings.local.json`;
  const settings = JSON.parse(await Deno.readTextFile(path));
  const hooks = change(hooksIn(settings));
  await Deno.writeTextFile(path, JSON.stringify(withCommands(settings, hooks), null, 2));
  return { name, workspace, hooks };
}

/** Runs one `claude -p` session in `variant`'s workspace; its wall time in ms. */
async function timeSession(claude: string, variant: Variant, env: Record<string, string>) {
  const started = performance.now();
  const output = await new Deno.Command(claude, {
    args: ["-p", "Say something short."],
    cwd: variant.workspace,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr);
    throw new Error(`Cannot benchmark a session in ${variant.workspace}: ${stderr}`);
  }
  return elapsed;
}

/** Whether a process other than this one runs in `workspace` (its current folder). */
async function runsIn(workspace: string): Promise<boolean> {
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    try {
      if (await Deno.readLink(`/proc/${pid}/cwd`) === workspace) return true;
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return false;
}

/**
 * Waits (at most 30 s) until no process runs in `workspace` or names it: the
 * SessionEnd hook (`async`: Claude Code does not wait for it) and the
 * background push it starts have ended.
 */
async function waitForBackground(workspace: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await processesNaming(workspace)).length > 0 || await runsIn(workspace)) {
    if (Date.now() > deadline) throw new Error(`Cannot benchmark: a push in ${workspace} hangs`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One module of `deno info --json`: its specifier and what it imports. */
interface InfoModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier: string } }[];
}

/**
 * How many modules `cli.ts <command>` loads from the sources: what `cli.ts`
 * imports statically, and what the command's file does (`cli.ts` imports it
 * dynamically), from `deno info`'s graph.
 */
async function modulesLoaded(command: string): Promise<number> {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", CLI],
    stdout: "piped",
    stderr: "null",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as { modules: InfoModule[] };
  const bySpecifier = new Map(graph.modules.map((module) => [module.specifier, module]));
  const seen = new Set<string>();
  const pending = [new URL(CLI, "file:///").href, new URL(command, `file://${ROOT}`).href];
  for (let specifier = pending.pop(); specifier !== undefined; specifier = pending.pop()) {
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dependency.isDynamic && dependency.code) pending.push(dependency.code.specifier);
    }
  }
  return seen.size;
}

/**
 * Runs `command` as Claude Code runs a hook (through `sh -c`, stdin fed,
 * stdout and stderr piped) and returns the ms until it exits and until its
 * pipes close: a process it left holding them would keep Claude Code waiting.
 */
async function timeHook(
  command: string,
  stdin: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ exited: number; closed: number }> {
  const started = performance.now();
  const child = new Deno.Command("sh", {
    args: ["-c", command],
    cwd,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin)).then(() => writer.close()).catch(() => {});
  let exited = 0;
  child.status.then(() => exited = performance.now() - started);
  await child.output();
  const closed = performance.now() - started;
  return { exited: exited || closed, closed };
}

/** The hooks' own figures, for where the time goes. */
async function hookBreakdown(
  variants: readonly Variant[],
  env: Record<string, string>,
  claudeConfigDir: string,
): Promise<void> {
  const capture = await modulesLoaded("lib/commands/capture_session.ts");
  const statusLine = await modulesLoaded("lib/commands/status_line.ts");
  note(`modules loaded from the sources: capture-session ${capture}, statusline ${statusLine}`);
  const payload = (event: string) =>
    JSON.stringify({
      session_id: "bench-hook",
      transcript_path: `${claudeConfigDir}/projects/bench/bench-hook.jsonl`,
      hook_event_name: event,
    });
  for (const variant of variants) {
    const start: number[] = [], end: number[] = [], endClosed: number[] = [];
    const { workspace, hooks } = variant;
    for (let run = -1; run < 10; run++) {
      const started = await timeHook(hooks.sessionStart, payload("SessionStart"), env, workspace);
      const ended = await timeHook(hooks.sessionEnd, payload("SessionEnd"), env, workspace);
      await waitForBackground(workspace);
      if (run < 0) continue;
      start.push(started.exited);
      end.push(ended.exited);
      endClosed.push(ended.closed);
    }
    note(
      `${variant.name}, each hook alone: SessionStart ${ms(median(start))}, SessionEnd ${
        ms(median(end))
      } to exit and ${ms(median(endClosed))} to its pipes' close (median of 10)`,
    );
  }
}

const TARGETS: Record<string, number> = { "our hooks (bundle)": 1.08, "our hooks (cli.ts)": 1.15 };

/** Runs the session benchmark and prints its figures. */
export async function benchSession(): Promise<void> {
  const claude = await ensureClaudeCode();
  const bundle = await buildBundle();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "agnes-bench-session-" }));
  try {
    await using api = startStandInApi();
    await using receiver = await startReceiver(`${root}/data`);
    const env = {
      ...claudeCodeEnv({ home: `${root}/home`, configDir: `${root}/claude`, apiUrl: api.url }),
      ...clientEnv(root, receiver.url),
    };
    await Deno.mkdir(`${root}/home`);
    const run = `${Deno.execPath()} run --quiet ${FLAGS.join(" ")}`;
    const sources = `${run} ${CLI}`;
    const variant = (name: string, prefix: string, change = (hooks: Hooks) => hooks) =>
      makeVariant(root, name, prefix, change, env);
    const variants: Variant[] = [
      await variant("no-op hooks", `${run} ${bundle}`, () => NO_OP),
      await variant("our hooks (bundle)", `${run} ${bundle}`),
      await variant("our hooks (cli.ts)", sources),
    ];
    if (SPLIT) {
      const split: [string, (hooks: Hooks) => Hooks][] = [
        ["cli.ts SessionStart only", (hooks) => ({ ...hooks, sessionEnd: "true" })],
        ["cli.ts SessionEnd only", (hooks) => ({ ...hooks, sessionStart: "true" })],
        ["cli.ts SessionEnd only, no push", (hooks) => ({
          ...hooks,
          sessionStart: "true",
          sessionEnd: hooks.sessionStart,
        })],
      ];
      for (const [name, change] of split) variants.push(await variant(name, sources, change));
    }
    const times = new Map(variants.map((variant) => [variant.name, [] as number[]]));
    for (let run = -1; run < RUNS; run++) { // run -1 warms the caches
      // Each round starts with another variant, so none always follows the same one.
      const order = variants.map((_, index) => variants[(index + run + 1) % variants.length]!);
      for (const variant of order) {
        const elapsed = await timeSession(claude, variant, env);
        if (run >= 0) times.get(variant.name)!.push(elapsed);
        await waitForBackground(variant.workspace);
      }
    }
    const baseTimes = times.get("no-op hooks")!;
    const base = median(baseTimes);
    heading(
      `claude -p sessions (${RUNS} rounds, median wall time; ratio: median of each round's ratio to its no-op session)`,
    );
    for (const [name, values] of times) {
      if (name === "no-op hooks") continue;
      const ratio = median(values.map((value, round) => value / baseTimes[round]!));
      const target = TARGETS[name];
      if (target !== undefined) {
        report({
          label: `session with ${name} vs no-op hooks`,
          value: ms(median(values)),
          baseline: ms(base),
          ratio,
          target: { max: target },
        });
      } else {
        note(`${name}: ${ms(median(values))}, ratio ${ratio.toFixed(2)} (where the time goes)`);
      }
    }
    await hookBreakdown(variants.slice(1, 3), env, `${root}/claude`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) await benchSession();
