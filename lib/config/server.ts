/**
 * Which server push talks to, and whether a bearer token may be sent to it.
 *
 * @module
 */

import { configFile, readConfigText } from "./_config_dir.ts";
import { ConfigurationError } from "./configuration_error.ts";

/** The server used when nothing else names one. */
export const DEFAULT_SERVER = "http://localhost:8000";

/** The `server:` line of `config.yaml`. */
export const SERVER_LINE = /^server:[ \t]*(.*?)[ \t]*$/m;

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
// deno-lint-ignore require-await -- public API returns a Promise; a throw stays a rejection
export async function resolveServer(flag?: string): Promise<string> {
  let server = flag || Deno.env.get("AGNES_SERVER");
  if (!server) {
    const yaml = readConfigText(configFile("config.yaml"));
    const match = yaml === undefined ? null : SERVER_LINE.exec(yaml);
    server = match ? unquote(match[1]!) : "";
  }
  return (server || DEFAULT_SERVER).replace(/\/+$/, "");
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
