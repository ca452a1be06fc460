/**
 * `agnes-sessions login`: store the server URL and token, once the server
 * has said it takes them.
 *
 * @module
 */

import { parseCommandArgs, UsageError } from "../cli/args.ts";
import { readSecret } from "../cli/prompt.ts";
import { readStdinBounded } from "../cli/stdin.ts";
import { configFile } from "../config/config_dir.ts";
import { saveLogin } from "../config/save_login.ts";
import { assertSafeServer } from "../config/server.ts";
import { AgnesClient } from "../http/client.ts";

/** Help text. */
export const help = `Usage: agnes-sessions login --server URL [options]

Stores the server URL in \${AGNES_CONFIG_DIR:-~/.config/agnes}/config.yaml and
the token in token.json there (readable only by you, replaced atomically): the
files the Python agnes tool reads too. Before saving, it checks that the server
answers and takes the token; a token the server rejects is not saved. The token
is never printed.

On a terminal, login asks for the token without showing it. From a script,
send it on stdin with --token-stdin (the default when stdin is not a terminal).

Options:
  --server URL       The Agnes server (required)
  --token-stdin      Read the token from stdin
  --token TOKEN      The token itself (avoid: it stays in shell history and shows in ps)
  --skip-check       Save without asking the server (one you cannot reach yet)
  --allow-insecure   Allow the token over plain http to a host other than loopback
  -h, --help         Show this help

Examples:
  agnes-sessions login --server https://agnes.example.com
  printf '%s' "$AGNES_TOKEN" | agnes-sessions login --server https://agnes.example.com --token-stdin`;

const OPTIONS = {
  server: "string",
  token: "string",
  "token-stdin": "boolean",
  "skip-check": "boolean",
  "allow-insecure": "boolean",
} as const;

/** The token: from --token, else the terminal prompt, else stdin. */
async function readToken(server: string, values: { token?: string; "token-stdin"?: boolean }) {
  let token = values.token;
  if (token === undefined && !values["token-stdin"] && Deno.stdin.isTerminal()) {
    token = await readSecret(`Token for ${server} (it will not show): `);
  } else if (token === undefined) {
    const input = await readStdinBounded({ maxBytes: 64 * 1024, timeoutMs: 60_000 });
    token = input.ok ? input.text : "";
  }
  token = token.trim();
  if (token === "" || /\s/.test(token)) {
    throw new TypeError("Cannot log in: the token is empty or contains white space");
  }
  return token;
}

/** Asks the server whether it answers and takes the token; throws, saying what to do, if not. */
async function checkLogin(server: string, token: string): Promise<void> {
  using client = new AgnesClient({ server, token, timeoutMs: 15_000 });
  const check = await client.checkServer();
  const nothingSaved = "Nothing was saved";
  if (!check.reachable) {
    throw new Error(
      `Cannot log in: the server does not answer: ${check.error}. ${nothingSaved}; check the URL, or pass --skip-check to save it anyway`,
    );
  }
  if (check.token === "rejected") {
    throw new Error(
      `Cannot log in: ${server} rejects this token. ${nothingSaved}; ask for a new token`,
    );
  }
  if (check.token !== "accepted") {
    const answer = check.token.kind === "http" ? `HTTP ${check.token.status}` : check.token.error;
    throw new Error(
      `Cannot log in: ${server} answered the token check with ${answer}: is it an Agnes server? ${nothingSaved}`,
    );
  }
}

/** Runs `login`. */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  if (!values.server) throw new UsageError("Option --server is required");
  const url = assertSafeServer(values.server, values["allow-insecure"] ?? false);
  const server = url.href.replace(/\/+$/, "");
  const token = await readToken(server, values);
  if (!values["skip-check"]) await checkLogin(server, token);
  await saveLogin(server, token);
  console.log(
    `Saved server ${server} in ${configFile("config.yaml")} and its token in ${
      configFile("token.json")
    } (readable only by you).\nNext: "agnes-sessions install" in a workspace, then "agnes-sessions status".`,
  );
}
