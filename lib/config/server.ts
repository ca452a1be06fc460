/**
 * Which server push talks to, and whether a bearer token may be sent to it.
 *
 * @module
 */

import { configFile, readConfigText } from "./config_dir.ts";
import { ConfigurationError } from "./configuration_error.ts";

/** The server used when nothing else names one. */
export const DEFAULT_SERVER = "http://localhost:8000";

/** The `server:` line of `config.yaml`. */
export const SERVER_LINE = /^server:[ \t]*(.*?)[ \t]*$/m;

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/.exec(value);
  return match ? match[2]! : value.replace(/[ \t]+#.*$/, "");
}

/** A server URL and where it was found. */
export interface FoundServer {
  /** The base URL, without a trailing slash. */
  server: string;
  /** `--server`, `$AGNES_SERVER`, the path of `config.yaml`, or `default`. */
  source: string;
}

/**
 * The server URL and its source: `flag` (from `--server`), else
 * `$AGNES_SERVER`, else the `server:` key of `config.yaml`, else
 * {@linkcode DEFAULT_SERVER}. A trailing slash is dropped.
 *
 * @throws {RefusedFileError} when `config.yaml` is not a regular file of at
 * most 1 MiB.
 *
 * @example
 * ```ts
 * import { findServer } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(findServer("https://agnes.example.com/"), {
 *   server: "https://agnes.example.com",
 *   source: "--server",
 * });
 * ```
 */
export function findServer(flag?: string): FoundServer {
  const trim = (url: string) => url.replace(/\/+$/, "");
  if (flag) return { server: trim(flag), source: "--server" };
  const fromEnv = Deno.env.get("AGNES_SERVER");
  if (fromEnv) return { server: trim(fromEnv), source: "$AGNES_SERVER" };
  const path = configFile("config.yaml");
  const configured = configuredServer(path);
  if (configured) return { server: trim(configured), source: path };
  return { server: DEFAULT_SERVER, source: "default" };
}

/** The `server:` key of the `config.yaml` at `path`, unquoted; empty when there is none. */
function configuredServer(path: string): string {
  const match = SERVER_LINE.exec(readConfigText(path) ?? "");
  return match ? unquote(match[1]!) : "";
}

/**
 * The server the Python `agnes` tool pushes to: the `server:` key of
 * `config.yaml`, else {@linkcode DEFAULT_SERVER} (what that tool falls back
 * to), without a trailing slash. Its rows in the shared uploaded log count as
 * uploads to this server only.
 *
 * @throws {RefusedFileError} when `config.yaml` is not a regular file of at
 * most 1 MiB.
 */
export function sharedServer(): string {
  const configured = configuredServer(configFile("config.yaml"));
  return (configured || DEFAULT_SERVER).replace(/\/+$/, "");
}

/**
 * The server URL: `flag` (from `--server`), else `$AGNES_SERVER`, else the
 * `server:` key of `config.yaml`, else {@linkcode DEFAULT_SERVER}. See
 * {@linkcode findServer} for its source.
 *
 * @example
 * ```ts
 * import { resolveServer } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(resolveServer("https://agnes.example.com/"), "https://agnes.example.com");
 * ```
 */
export function resolveServer(flag?: string): string {
  return findServer(flag).server;
}

/**
 * Whether `hostname` is loopback without asking any resolver: `127.0.0.0/8`,
 * `::1`, or `localhost`, which the client connects to as `127.0.0.1` (RFC
 * 6761). A `*.localhost` name goes through the system resolver like any other
 * name, so it gets no exemption.
 */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Checks a server URL before a bearer token is sent to it: it must be http(s),
 * and plain `http://` only to a loopback host (`127.0.0.0/8`, `::1`,
 * `localhost`; not `*.localhost`, which a resolver could send anywhere)
 * unless `allowInsecure`.
 *
 * @throws {ConfigurationError} for an invalid or unsafe URL.
 *
 * @example
 * ```ts
 * import { assertSafeServer } from "@agnes/sessions";
 * import { throws } from "node:assert/strict";
 *
 * assertSafeServer("http://127.0.0.1:8000", false);
 * assertSafeServer("http://localhost:8000", false);
 * throws(() => assertSafeServer("http://agnes.example.com", false));
 * throws(() => assertSafeServer("http://agnes.localhost:8000", false));
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
