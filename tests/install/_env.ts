/**
 * The install tests' harness: a workspace, and a home and Claude config
 * folder of their own (`HOME`, `CLAUDE_CONFIG_DIR`), so the real user's
 * settings are never read or written.
 */

import { runCli, type RunOptions, type RunResult, tempWorkspace } from "../_helpers.ts";
import type { Workspace } from "../../mod.ts";

/** Deno's cache folder, kept when `HOME` moves (else every process would compile afresh). */
const DENO_DIR = Deno.env.get("DENO_DIR") || await (async () => {
  const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(output.stdout)).denoDir as string;
})();

/** A workspace with its own home and Claude config folder. */
export interface InstallEnv extends AsyncDisposable {
  workspace: Workspace;
  /** `HOME` for the processes. */
  home: string;
  /** `CLAUDE_CONFIG_DIR` for the processes: where user settings live. */
  claudeDir: string;
  /** The environment for the processes. */
  env: Record<string, string>;
  /** Runs `install --workspace W …args`. */
  install(args?: string[], options?: RunOptions): Promise<RunResult>;
  /** A file of the workspace (path relative to it), or `undefined`. */
  read(path: string): Promise<string | undefined>;
  /** Writes a file of the workspace (path relative to it), creating folders. */
  write(path: string, text: string): Promise<void>;
}

/** Starts a harness; dispose it to remove every folder. */
export async function installEnv(): Promise<InstallEnv> {
  const workspace = await tempWorkspace();
  const home = await Deno.makeTempDir({ prefix: "agnes-home-" });
  const claudeDir = `${home}/.claude`;
  await Deno.mkdir(claudeDir);
  const env = { HOME: home, CLAUDE_CONFIG_DIR: claudeDir, DENO_DIR };
  const read = async (path: string) => {
    try {
      return await Deno.readTextFile(`${workspace.root}/${path}`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  };
  return {
    workspace,
    home,
    claudeDir,
    env,
    install: (args = [], options = {}) =>
      runCli(["install", "--workspace", workspace.root, ...args], {
        ...options,
        env: { ...env, ...options.env },
      }),
    read,
    async write(path, text) {
      const full = `${workspace.root}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    },
    async [Symbol.asyncDispose]() {
      await workspace[Symbol.asyncDispose]();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** Every file under `dir` (relative path → text), for byte-for-byte comparisons. */
export async function snapshotFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(full);
      else files.set(full.slice(dir.length + 1), await Deno.readTextFile(full));
    }
  };
  await walk(dir);
  return files;
}

/** Runs `git …args` in `cwd`; its stdout, trimmed. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const output = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).trim();
}
