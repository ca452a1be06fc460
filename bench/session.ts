/**
 * Session overhead where users feel it: the wall time of a real `claude -p`
 * session (Claude Code pinned by `tools/claude_code.ts`, a stand-in Messages
 * API on loopback) with our hooks, divided by the same session with no-op
 * hooks (`true`), in rounds of one session each (each round starting with
 * another), so drift in machine load hits all alike; the ratio is the median
 * of each round's ratio to its own no-op session. Our hooks run once from
 * the bundle, with the compiled binary's flags (target: at most 1.08), once
 * from the sources through `deno run` of `cli.ts` (at most 1.15). Each workspace's
 * settings are written here, not by `install`. A session's background push
 * (started by its SessionEnd hook) is waited for before the next session, so
 * it never runs under another's measurement.
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

/** The hooks `install` would write for `prefix` (or `true` for each when it is `undefined`). */
function hooksOf(prefix: string | undefined): Hooks {
  return prefix === undefined ? { sessionStart: "true", sessionEnd: "true", statusLine: "true" } : {
    sessionStart: `${prefix} capture-session`,
    sessionEnd: `${prefix} capture-session --push`,
    statusLine: `${prefix} statusline`,
  };
}

/** A workspace's settings running `hooks`, shaped as `install` writes them. */
function settingsFor(hooks: Hooks): Record<string, unknown> {
  return {
    hooks: {
      SessionStart: [{ hooks: [{ type: "command", command: hooks.sessionStart }] }],
      SessionEnd: [{ hooks: [{ type: "command", command: hooks.sessionEnd, timeout: 5 }] }],
    },
    statusLine: { type: "command", command: hooks.statusLine },
  };
}

/** One kind of session: its workspace (a git repository with its own settings). */
interface Variant {
  name: string;
  workspace: string;
  hooks: Hooks;
}

/** Creates the variant's workspace under `root`. */
async function makeVariant(root: string, name: string, hooks: Hooks): Promise<Variant> {
  const workspace = `${root}/${name.replace(/\W+/g, "-")}`;
  await Deno.mkdir(`${workspace}/.claude`, { recursive: true });
  await new Deno.Command("git", { args: ["init", "--quiet"], cwd: workspace }).output();
  await Deno.writeTextFile(
    `${workspace}/.claude/settings.local.json`,
    JSON.stringify(settingsFor(hooks), null, 2),
  );
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

/** Waits (at most 30 s) until no process names `workspace`: its background push has ended. */
async function waitForBackground(workspace: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await processesNaming(workspace)).length > 0) {
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
    const sources = hooksOf(`${run} ${CLI}`);
    const variants: Variant[] = [
      await makeVariant(root, "no-op hooks", hooksOf(undefined)),
      await makeVariant(root, "our hooks (bundle)", hooksOf(`${run} ${bundle}`)),
      await makeVariant(root, "our hooks (cli.ts)", sources),
    ];
    if (SPLIT) {
      const split: [string, Partial<Hooks>][] = [
        ["cli.ts SessionStart only", { sessionEnd: "true" }],
        ["cli.ts SessionEnd only", { sessionStart: "true" }],
        ["cli.ts SessionEnd only, no push", {
          sessionStart: "true",
          sessionEnd: sources.sessionStart,
        }],
      ];
      for (const [name, change] of split) {
        variants.push(await makeVariant(root, name, { ...sources, ...change }));
      }
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
