/**
 * The bearer token push sends.
 *
 * @module
 */

import { configFile, readConfigText } from "./_config_dir.ts";
import { ConfigurationError } from "./configuration_error.ts";

/**
 * The bearer token: `$AGNES_TOKEN`, else `access_token` in `token.json`;
 * `undefined` when neither is set.
 *
 * @throws {ConfigurationError} when `token.json` is not valid JSON.
 *
 * @example
 * ```ts
 * import { resolveToken } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * Deno.env.set("AGNES_TOKEN", "t0k3n");
 * deepStrictEqual(await resolveToken(), "t0k3n");
 * Deno.env.delete("AGNES_TOKEN");
 * ```
 */
// deno-lint-ignore require-await -- public API returns a Promise; a throw stays a rejection
export async function resolveToken(): Promise<string | undefined> {
  const fromEnv = Deno.env.get("AGNES_TOKEN");
  if (fromEnv) return fromEnv;
  const path = configFile("token.json");
  const text = readConfigText(path);
  if (text === undefined) return undefined;
  try {
    const token = JSON.parse(text)?.access_token;
    return typeof token === "string" && token !== "" ? token : undefined;
  } catch {
    throw new ConfigurationError(`Cannot read the token: ${path} is not valid JSON`);
  }
}
