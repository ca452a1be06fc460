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

if (import.meta.main) {
  try {
    console.log(await ensureClaudeCode());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
}
