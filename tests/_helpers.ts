/** Shared helpers for the tests: temp workspaces and real CLI processes. */

import { serveReceiver, type ServeReceiverOptions, Workspace } from "../mod.ts";

export const CLI = new URL("../cli.ts", import.meta.url).pathname;
export const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

/** A fresh temp folder as a workspace; remove it with `cleanup`. */
export async function tempWorkspace(): Promise<Workspace & AsyncDisposable> {
  const workspace = new Workspace(await Deno.makeTempDir({ prefix: "agnes-test-" }));
  return Object.assign(workspace, {
    [Symbol.asyncDispose]: () => Deno.remove(workspace.root, { recursive: true }),
  });
}

/** What a finished process printed. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@linkcode runCli}. */
export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Permission and V8 flags for `deno run`. Default `["-A"]`. */
  flags?: readonly string[];
  /** Kill the process (SIGKILL) when it runs longer than this. Default 60 000 ms. */
  timeoutMs?: number;
}

/** Runs `deno run <flags> <script> ...args` as a real process. */
export async function runScript(
  script: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.flags ?? ["-A"]), "--quiet", script, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000), // no test waits forever
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs the `agnes-sessions` CLI as a real process. */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runScript(CLI, args, options);
}

/** Options for {@linkcode spawnCli}. */
export interface SpawnOptions {
  env?: Record<string, string>;
  stdin?: "piped" | "null";
  stdout?: "piped" | "null";
  /** Default `"null"`: discarded. */
  stderr?: "piped" | "null";
}

/** Starts the CLI as a real process and returns it without waiting. */
export function spawnCli(args: string[], options: SpawnOptions = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    stdin: options.stdin ?? "null",
    stdout: options.stdout ?? "null",
    stderr: options.stderr ?? "null",
    ...(options.env === undefined ? {} : { env: options.env }),
  }).spawn();
}

/** Reads a workspace file, or `undefined` when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** The rows of a TAB-separated file, each split into fields. */
export async function readRows(path: string): Promise<string[][]> {
  const text = (await readIfExists(path)) ?? "";
  return text.split("\n").filter((line) => line !== "").map((line) => line.split("\t"));
}

export const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** A receiver on 127.0.0.1, port 0, with a temp data dir. */
export interface TestReceiver extends AsyncDisposable {
  url: string;
  dataDir: string;
  token: string;
  /** Files stored for `user` (default the test user), name → bytes. */
  stored(user?: string): Promise<Map<string, Uint8Array>>;
  /** Every file under the data dir, temp files included. */
  allFiles(): Promise<string[]>;
}

export const TEST_TOKEN = "test-token-0123456789";
export const TEST_USER = "analyst";

/** Starts the real receiver for a test (limits and hooks from `options`). */
export async function startReceiver(
  options: Partial<ServeReceiverOptions> = {},
): Promise<TestReceiver> {
  const dataDir = await Deno.makeTempDir({ prefix: "agnes-data-" });
  let url = "";
  const server = serveReceiver({
    dataDir,
    tokens: new Map([[TEST_TOKEN, TEST_USER]]),
    ...options,
    port: 0,
    hostname: "127.0.0.1",
    onListen: (listening) => url = listening,
  });
  const walk = async (dir: string, out: string[]) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path, out);
      else out.push(path.slice(dataDir.length + 1));
    }
    return out;
  };
  return {
    url,
    dataDir,
    token: TEST_TOKEN,
    async stored(user = TEST_USER) {
      const files = new Map<string, Uint8Array>();
      try {
        for await (const entry of Deno.readDir(`${dataDir}/user_sessions/${user}`)) {
          files.set(
            entry.name,
            await Deno.readFile(`${dataDir}/user_sessions/${user}/${entry.name}`),
          );
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return files;
    },
    allFiles: () => walk(dataDir, []),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

/** gzip of `data`. */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
