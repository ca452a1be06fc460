/**
 * `agnes-sessions login`: store the server URL and token.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/_args.ts";
import { readStdinBounded } from "../cli/_stdin.ts";
import { configDir } from "../config/_config_dir.ts";
import { saveLogin } from "../config/_save_login.ts";
import { assertSafeServer } from "../config/server.ts";

/** Help text. */
export const help = `Usage: agnes-sessions login --server URL [--token TOKEN] [--allow-insecure]

Stores the server in \${AGNES_CONFIG_DIR:-~/.config/agnes}/config.yaml and the
token in token.json (mode 0600), the files the Python agnes tool uses. Without
--token, the token is read from stdin (so it stays out of shell history).
The token is never printed.`;

/** Runs `login`. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    server: "string",
    token: "string",
    "allow-insecure": "boolean",
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  if (!values.server) throw new UsageError("Option --server is required");
  const url = assertSafeServer(values.server, values["allow-insecure"] ?? false);
  let token = values.token;
  if (token === undefined) {
    const input = await readStdinBounded({ maxBytes: 64 * 1024, timeoutMs: 60_000 });
    token = input.ok ? input.text.trim() : "";
  }
  if (token === "" || /\s/.test(token)) {
    throw new TypeError("Cannot log in: the token is empty or contains white space");
  }
  const server = url.href.replace(/\/+$/, "");
  await saveLogin(server, token);
  console.log(`Saved server ${server} and its token in ${configDir()}`);
}
