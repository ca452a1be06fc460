/**
 * The real Claude Code CLI the end-to-end tests and the session benchmark
 * run: npm's `@anthropic-ai/claude-code` at one pinned version, installed
 * into `.tools/` on first use (as `.ci/run` installs Deno).
 *
 * The package's `bin/claude.exe` starts as a small placeholder that its
 * `postinstall` (`install.cjs`) replaces with the native binary of this
 * platform's optional dependency; an npm that does not run install scripts
 * leaves the placeholder, so it is run here when the binary is still small.
 *
 * It also holds what both say about running it offline: the environment of
 * a `claude -p` that talks only to a local stand-in API, and how to tell that
 * what a session started in the background (the SessionEnd hook's detached
 * push) has ended.
 *
 * `deno run --allow-read --allow-write --allow-run --allow-env tools/claude_code.ts`
 * installs it and prints the binary's path.
 *
 * @module
 */

/** The Claude Code version the tests and the benchmark pin. */
export const CLAUDE_CODE_VERSION = "2.1.328";

/** The npm package. */
export const CLAUDE_CODE_PACKAGE = "@anthropic-ai/claude-code";

/** The repository's root, ending in `/`. */
const ROOT = new URL("..", import.meta.url).pathname;

/** Below this size `bin/claude.exe` is the package's placeholder, not the native binary. */
const PLACEHOLDER_MAX_BYTES = 1024 * 1024;

/** Claude Code could not be installed or does not run. */
export class ClaudeCodeInstallError extends Error {
  /** Creates the error; `reason` says why, in one line. */
  constructor(reason: string) {
    super(`Cannot install Claude Code ${CLAUDE_CODE_VERSION}: ${reason}`);
    this.name = "ClaudeCodeInstallError";
  }
}

/** Where the package goes under `root`. */
function packageDir(root: string): string {
  return `${root}.tools/node_modules/${CLAUDE_CODE_PACKAGE}`;
}

/** The last non-empty line of a process's output, for an error message. */
function lastLine(bytes: Uint8Array): string {
  const lines = new TextDecoder().decode(bytes).split("\n").map((line) => line.trim());
  return lines.filter((line) => line !== "").at(-1) ?? "no output";
}

/** Runs `program args` in `cwd`; throws with its last line of output when it fails. */
async function runStep(program: string, args: string[], cwd: string, what: string): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(program, { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
  } catch (error) {
    throw new ClaudeCodeInstallError(
      `${what} did not start (${error instanceof Error ? error.message : error})`,
    );
  }
  if (!output.success) {
    const stderr = lastLine(output.stderr);
    throw new ClaudeCodeInstallError(`${what} exited ${output.code}: ${stderr}`);
  }
}

/** The size of `path`, or -1 when it is missing. */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return -1;
  }
}

/** The version `binary --version` prints, or `undefined` when it does not run. */
async function versionOf(binary: string): Promise<string | undefined> {
  try {
    const { success, stdout } = await new Deno.Command(binary, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      env: { DISABLE_AUTOUPDATER: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
    }).output();
    return success ? new TextDecoder().decode(stdout).trim().split(" ")[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The path of the pinned Claude Code binary under `root` (default: this
 * repository), installing it from npm first when it is missing, a
 * placeholder, or another version.
 *
 * @throws {ClaudeCodeInstallError} when npm or the package's install script
 *   fails, or the binary does not report the pinned version.
 */
export async function ensureClaudeCode(root: string = ROOT): Promise<string> {
  const dir = packageDir(root);
  const binary = `${dir}/bin/claude.exe`;
  if (await versionOf(binary) === CLAUDE_CODE_VERSION) return binary;
  await Deno.mkdir(`${root}.tools`, { recursive: true });
  await runStep(
    "npm",
    [
      "install",
      "--prefix",
      `${root}.tools`,
      "--no-audit",
      "--no-fund",
      `${CLAUDE_CODE_PACKAGE}@${CLAUDE_CODE_VERSION}`,
    ],
    root,
    "npm install",
  );
  if (await sizeOf(binary) < PLACEHOLDER_MAX_BYTES) {
    await runStep("node", ["install.cjs"], dir, `node ${dir}/install.cjs`);
  }
  const size = await sizeOf(binary);
  if (size < PLACEHOLDER_MAX_BYTES) {
    throw new ClaudeCodeInstallError(
      `${binary} is ${size < 0 ? "missing" : `a ${size}-byte placeholder`} after install.cjs`,
    );
  }
  const version = await versionOf(binary);
  if (version !== CLAUDE_CODE_VERSION) {
    throw new ClaudeCodeInstallError(
      `${binary} --version says ${version ?? "nothing (it does not run)"}`,
    );
  }
  return binary;
}

/** Where an offline Claude Code keeps its state and which API it talks to. */
export interface ClaudeCodeEnvOptions {
  /** `HOME`. */
  home: string;
  /** `CLAUDE_CONFIG_DIR`. */
  configDir: string;
  /** `ANTHROPIC_BASE_URL`: a stand-in Messages API on loopback. */
  apiUrl: string;
}

/**
 * The whole environment (use it with `clearEnv`) of a Claude Code that talks
 * to nothing but the API at `apiUrl`, with a dummy key, no update check and no
 * other traffic, its home and config folder where `options` says. `PATH` and
 * Deno's cache folder come from this process, so hooks find `git` and `deno`
 * and a temp home does not make `deno run` start cold.
 */
export function claudeCodeEnv(options: ClaudeCodeEnvOptions): Record<string, string> {
  const cache = Deno.env.get("XDG_CACHE_HOME") || `${Deno.env.get("HOME")}/.cache`;
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: options.home,
    CLAUDE_CONFIG_DIR: options.configDir,
    ANTHROPIC_BASE_URL: options.apiUrl,
    ANTHROPIC_API_KEY: "sk-ant-offline-dummy",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DENO_DIR: Deno.env.get("DENO_DIR") || `${cache}/deno`,
    NO_COLOR: "1",
  };
}

/**
 * The ids of the processes (this one aside) whose command line holds `text`,
 * e.g. a workspace's path, which the SessionEnd hook's detached push names
 * (Linux: read from `/proc`).
 */
export async function processesNaming(text: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    try {
      if ((await Deno.readTextFile(`/proc/${pid}/cmdline`)).includes(text)) found.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

if (import.meta.main) {
  try {
    console.log(await ensureClaudeCode());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
}
