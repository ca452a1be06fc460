/**
 * `agnes-sessions serve`: an Agnes-compatible receiver.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/args.ts";
import { resolvePath } from "../fs/path.ts";
import { writeAll } from "../fs/write_all.ts";
import {
  addToken,
  addTokensFromEnv,
  addTokensFromFile,
  parseTokenPair,
  type TokenMap,
} from "../receiver/receiver_tokens.ts";
import { serveReceiver } from "../receiver/serve_receiver.ts";

const encoder = new TextEncoder();

/** Writes one log line to stderr as it is (no console formatting). */
function logLine(line: string): void {
  writeAll(Deno.stderr, encoder.encode(`${line}\n`));
}

/** The environment variable holding `TOKEN=USER` pairs, comma-separated. */
const TOKENS_VARIABLE = "AGNES_SERVE_TOKENS";

/** Help text. */
export const help = `Usage: agnes-sessions serve [options]

Runs an Agnes-compatible receiver (for tests, demos and small setups): stores
uploads under DIR/user_sessions/USER/, CLAUDE.local.md under DIR/local_md/USER/.
Logs one line per request on stderr: UTC time, method, path, status, body
bytes received, milliseconds, user (never the token), e.g.
  2026-01-02T03:04:05Z POST /api/upload/sessions 200 65734B 12ms alice

Tokens (at least one; every source given is used):
  ${TOKENS_VARIABLE}   Environment variable: TOKEN=USER pairs separated by commas
  --token-file FILE    One TOKEN=USER per line (# comments and blank lines skipped);
                       must be a regular file of at most 1 MiB
  --token TOKEN=USER   On the command line (repeatable). Avoid it on a shared machine:
                       every local user can read a process's arguments (ps)

Options:
  --data DIR                    Where to store uploads (default ./agnes-data)
  --port N                      Port (default 8000; 0 picks a free one)
  --hostname HOST               Address to bind (default 127.0.0.1)
  --max-upload-mb N             Upload and decompressed size limit in MiB (default 50)
  --max-connections N           Connections open at once; one more is answered 503 (default 64)
  --head-timeout SECONDS        Time for a whole request head to arrive (default 10)
  --body-timeout SECONDS        Silence allowed while a body arrives or an answer leaves (default 30)
  --keep-alive-timeout SECONDS  Time an idle connection waits for its next request (default 5)
  -h, --help                    Show this help

Examples:
  agnes-sessions serve --token-file ~/.config/agnes/serve-tokens --data /srv/agnes
  ${TOKENS_VARIABLE}="$ALICE_TOKEN=alice,$BOB_TOKEN=bob" agnes-sessions serve --port 8080
  agnes-sessions serve --token test-token=me --port 0   # a throwaway local test`;

/** Every token from the command line, the token file and the environment. */
function collectTokens(argv: readonly string[], file: string | undefined): TokenMap {
  const tokens: TokenMap = new Map();
  for (const item of argv) {
    const pair = parseTokenPair(item);
    if (pair === undefined) throw new UsageError("Option --token takes TOKEN=USER");
    addToken(tokens, ...pair);
  }
  if (file !== undefined) addTokensFromFile(tokens, resolvePath(file));
  const fromEnv = Deno.env.get(TOKENS_VARIABLE);
  if (fromEnv) addTokensFromEnv(tokens, TOKENS_VARIABLE, fromEnv);
  if (tokens.size === 0) {
    throw new UsageError(`No token given: set ${TOKENS_VARIABLE}, or give --token-file or --token`);
  }
  return tokens;
}

/** A positive number option, or its default. */
function positive(given: string | undefined, name: string, fallback: number): number {
  const value = Number(given ?? fallback);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new UsageError(`Option --${name} takes a positive number`);
  }
  return value;
}

/** Runs `serve` until SIGINT or SIGTERM. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    token: "strings",
    "token-file": "string",
    data: "string",
    port: "string",
    hostname: "string",
    "max-upload-mb": "string",
    "max-connections": "string",
    "head-timeout": "string",
    "body-timeout": "string",
    "keep-alive-timeout": "string",
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  const port = Number(values.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError("Option --port takes 0 to 65535");
  }
  const maxConnections = positive(values["max-connections"], "max-connections", 64);
  if (!Number.isInteger(maxConnections)) {
    throw new UsageError("Option --max-connections takes a whole number");
  }
  const limitMb = positive(values["max-upload-mb"], "max-upload-mb", 50);
  const timeouts = {
    headTimeoutMs: positive(values["head-timeout"], "head-timeout", 10) * 1000,
    bodyTimeoutMs: positive(values["body-timeout"], "body-timeout", 30) * 1000,
    keepAliveTimeoutMs: positive(values["keep-alive-timeout"], "keep-alive-timeout", 5) * 1000,
  };
  const tokens = collectTokens(values.token ?? [], values["token-file"]);
  const dataDir = resolvePath(values.data ?? "agnes-data");
  await Deno.mkdir(dataDir, { recursive: true });
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  try {
    const server = serveReceiver({
      dataDir,
      tokens,
      port,
      hostname: values.hostname ?? "127.0.0.1",
      maxUploadBytes: limitMb * 1024 * 1024,
      maxDecompressedBytes: limitMb * 1024 * 1024,
      maxConnections,
      ...timeouts,
      signal: controller.signal,
      onListen: (url) => console.log(`Listening on ${url} (data in ${dataDir})`),
      log: logLine,
    });
    await server.finished;
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, stop);
  }
}
