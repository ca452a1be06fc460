/**
 * Where push sends transcripts and with which credential: the server URL and
 * bearer token, read from the same files the Python `agnes` tool writes
 * (`config.yaml` with a `server:` key, `token.json` with `access_token`).
 *
 * @module
 */

import { homeDir, joinPath } from "./_path.ts";
import { writeFileAtomic } from "./text_file.ts";

/** The server used when nothing else names one. */
export const DEFAULT_SERVER = "http://localhost:8000";

/**
 * Thrown when push cannot run with the configuration it has (no token, an
 * unsafe server URL, a server that moved): exit 1 with the message.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from "@agnes/sessions";
 *
 * console.assert(new ConfigurationError("Cannot push: no token").name === "ConfigurationError");
 * ```
 */
export class ConfigurationError extends Error {
  /** Always `"ConfigurationError"`. */
  override name = "ConfigurationError";
}

/**
 * The configuration folder: `$AGNES_CONFIG_DIR`, else `~/.config/agnes` (home
 * from `HOME`, else `USERPROFILE`).
 *
 * @example
 * ```ts
 * import { configDir } from "@agnes/sessions";
 *
 * console.log(configDir());
 * ```
 */
export function configDir(): string {
  const explicit = Deno.env.get("AGNES_CONFIG_DIR");
  if (explicit) return explicit;
  return joinPath(homeDir(), ".config", "agnes");
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const SERVER_LINE = /^server:[ \t]*(.*?)[ \t]*$/m;

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/.exec(value);
  return match ? match[2]! : value.replace(/[ \t]+#.*$/, "");
}

/**
 * The server URL: `flag` (from `--server`), else `$AGNES_SERVER`, else the
 * `server:` key of `config.yaml`, else {@linkcode DEFAULT_SERVER}. A trailing
 * slash is dropped.
 *
 * @example
 * ```ts
 * import { resolveServer } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(await resolveServer("https://agnes.example.com/"), "https://agnes.example.com");
 * ```
 */
export async function resolveServer(flag?: string): Promise<string> {
  let server = flag || Deno.env.get("AGNES_SERVER");
  if (!server) {
    const yaml = await readOptional(joinPath(configDir(), "config.yaml"));
    const match = yaml === undefined ? null : SERVER_LINE.exec(yaml);
    server = match ? unquote(match[1]!) : "";
  }
  return (server || DEFAULT_SERVER).replace(/\/+$/, "");
}

/**
 * The bearer token: `$AGNES_TOKEN`, else `access_token` in `token.json`;
 * `undefined` when neither is set.
 *
 * @example
 * ```ts
 * import { resolveToken } from "@agnes/sessions";
 *
 * const token = await resolveToken();
 * console.log(token === undefined ? "run login first" : "have a token");
 * ```
 */
export async function resolveToken(): Promise<string | undefined> {
  const fromEnv = Deno.env.get("AGNES_TOKEN");
  if (fromEnv) return fromEnv;
  const text = await readOptional(joinPath(configDir(), "token.json"));
  if (text === undefined) return undefined;
  try {
    const token = JSON.parse(text)?.access_token;
    return typeof token === "string" && token !== "" ? token : undefined;
  } catch {
    throw new ConfigurationError(
      `Cannot read the token: ${joinPath(configDir(), "token.json")} is not valid JSON`,
    );
  }
}

/** Whether `hostname` is a loopback address or `localhost`. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Checks a server URL before a bearer token is sent to it: it must be http(s),
 * and plain `http://` only to a loopback host unless `allowInsecure`.
 *
 * @throws {ConfigurationError} for an invalid or unsafe URL.
 *
 * @example
 * ```ts
 * import { assertSafeServer } from "@agnes/sessions";
 * import { throws } from "node:assert/strict";
 *
 * assertSafeServer("http://127.0.0.1:8000", false);
 * throws(() => assertSafeServer("http://agnes.example.com", false));
 * assertSafeServer("http://agnes.example.com", true);
 * ```
 */
export function assertSafeServer(server: string, allowInsecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ConfigurationError(`Cannot use server ${server}: not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigurationError(`Cannot use server ${server}: only http and https are supported`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !allowInsecure) {
    throw new ConfigurationError(
      `Cannot send the token to ${url.origin} over plain http: use https, or pass --allow-insecure`,
    );
  }
  return url;
}

/**
 * Stores the server URL in `config.yaml` (keeping its other keys) and the
 * token in `token.json` as `{"access_token": …}`, both mode 0600, each
 * replaced atomically.
 *
 * @example
 * ```ts
 * import { saveLogin } from "@agnes/sessions";
 *
 * const dir = await Deno.makeTempDir();
 * Deno.env.set("AGNES_CONFIG_DIR", dir);
 * await saveLogin("https://agnes.example.com", "secret-token");
 * Deno.env.delete("AGNES_CONFIG_DIR");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveLogin(server: string, token: string): Promise<void> {
  const dir = configDir();
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const yamlPath = joinPath(dir, "config.yaml");
  const yaml = (await readOptional(yamlPath)) ?? "";
  const line = `server: ${JSON.stringify(server)}`;
  const updated = SERVER_LINE.test(yaml) ? yaml.replace(SERVER_LINE, line) : `${line}\n${yaml}`;
  await writeFileAtomic(yamlPath, updated.endsWith("\n") ? updated : updated + "\n", {
    mode: 0o600,
  });
  await writeFileAtomic(
    joinPath(dir, "token.json"),
    JSON.stringify({ access_token: token }) + "\n",
    {
      mode: 0o600,
    },
  );
}
