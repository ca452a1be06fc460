/**
 * The bearer token push sends, and where it came from.
 *
 * The environment wins over the file, as in `gh` and most command-line
 * tools: `$AGNES_TOKEN`, else `access_token` in `token.json`. The Python
 * `agnes` tool prefers the file, so an analyst who uses both and sets
 * `AGNES_TOKEN` gets that token here and the file's token there.
 *
 * @module
 */

import { configFile, readConfigText } from "./config_dir.ts";
import { ConfigurationError } from "./configuration_error.ts";

/** A token and where it was found. */
export interface FoundToken {
  /** The bearer token; never printed. */
  token: string;
  /** `$AGNES_TOKEN`, or the path of `token.json`. */
  source: string;
}

/**
 * The bearer token and its source: `$AGNES_TOKEN`, else `access_token` in
 * `token.json`; `undefined` when neither is set.
 *
 * @throws {ConfigurationError} when `token.json` is not valid JSON.
 * @throws {RefusedFileError} when `token.json` is not a regular file of at
 * most 1 MiB.
 *
 * @example
 * ```ts
 * import { findToken } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("AGNES_TOKEN", "t0k3n");
 * deepStrictEqual(findToken(), { token: "t0k3n", source: "$AGNES_TOKEN" });
 * Deno.env.delete("AGNES_TOKEN");
 * ```
 */
export function findToken(): FoundToken | undefined {
  const fromEnv = Deno.env.get("AGNES_TOKEN");
  if (fromEnv) return { token: fromEnv, source: "$AGNES_TOKEN" };
  const path = configFile("token.json");
  const text = readConfigText(path);
  if (text === undefined) return undefined;
  let token: unknown;
  try {
    token = JSON.parse(text)?.access_token;
  } catch {
    throw new ConfigurationError(`Cannot read the token: "${path}" is not valid JSON`);
  }
  return typeof token === "string" && token !== "" ? { token, source: path } : undefined;
}

/**
 * The bearer token: `$AGNES_TOKEN`, else `access_token` in `token.json`;
 * `undefined` when neither is set. See {@linkcode findToken} for its source.
 *
 * @throws {ConfigurationError} when `token.json` is not valid JSON.
 *
 * @example
 * ```ts
 * import { resolveToken } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("AGNES_TOKEN", "t0k3n");
 * deepStrictEqual(resolveToken(), "t0k3n");
 * Deno.env.delete("AGNES_TOKEN");
 * ```
 */
export function resolveToken(): string | undefined {
  return findToken()?.token;
}
