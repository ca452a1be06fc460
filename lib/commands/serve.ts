/**
 * `agnes-sessions serve`: an Agnes-compatible receiver.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/_args.ts";
import { resolvePath } from "../fs/_path.ts";
import { serveReceiver } from "../http/serve_receiver.ts";

/** Help text. */
export const help = `Usage: agnes-sessions serve --token TOKEN=USER [options]

Runs an Agnes-compatible receiver (for tests, demos and small setups): stores
uploads under DIR/user_sessions/USER/, CLAUDE.local.md under DIR/local_md/USER/.

Options:
  --token TOKEN=USER   A bearer token and the user it stands for (repeatable; required)
  --data DIR           Where to store uploads (default ./agnes-data)
  --port N             Port (default 8000; 0 picks a free one)
  --hostname HOST      Address to bind (default 127.0.0.1)
  --max-upload-mb N    Upload and decompressed size limit in MiB (default 50)
  -h, --help           Show this help

Examples:
  agnes-sessions serve --port 8000 --data ./agnes-data --token s3cret=ana`;

/** Runs `serve` until SIGINT or SIGTERM. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    token: "strings",
    data: "string",
    port: "string",
    hostname: "string",
    "max-upload-mb": "string",
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  const tokens = new Map<string, string>();
  for (const pair of values.token ?? []) {
    const equals = pair.lastIndexOf("=");
    if (equals <= 0 || equals === pair.length - 1) {
      throw new UsageError("Option --token takes TOKEN=USER");
    }
    tokens.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  if (tokens.size === 0) throw new UsageError("Option --token TOKEN=USER is required");
  const port = Number(values.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError("Option --port takes 0 to 65535");
  }
  const limitMb = Number(values["max-upload-mb"] ?? 50);
  if (!(limitMb > 0)) throw new UsageError("Option --max-upload-mb takes a positive number");
  const dataDir = resolvePath(values.data ?? "agnes-data");
  await Deno.mkdir(dataDir, { recursive: true });
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  const server = serveReceiver({
    dataDir,
    tokens,
    port,
    hostname: values.hostname ?? "127.0.0.1",
    maxUploadBytes: limitMb * 1024 * 1024,
    maxDecompressedBytes: limitMb * 1024 * 1024,
    signal: controller.signal,
    onListen: (url) => console.log(`Listening on ${url} (data in ${dataDir})`),
  });
  await server.finished;
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
}
