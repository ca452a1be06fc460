/**
 * The configuration folder shared with the Python `agnes` tool, and reading
 * the files in it.
 *
 * @module
 */

import { homeDir, joinPath } from "../fs/_path.ts";

/**
 * The configuration folder: `$AGNES_CONFIG_DIR`, else `~/.config/agnes` (home
 * from `HOME`, else `USERPROFILE`).
 *
 * @example
 * ```ts
 * import { configDir } from "./_config_dir.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(configDir().length > 0);
 * ```
 */
export function configDir(): string {
  const explicit = Deno.env.get("AGNES_CONFIG_DIR");
  if (explicit) return explicit;
  return joinPath(homeDir(), ".config", "agnes");
}

/**
 * The path of a file in the configuration folder.
 *
 * @example
 * ```ts
 * import { configFile } from "./_config_dir.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(configFile("token.json").endsWith("token.json"));
 * ```
 */
export function configFile(name: "config.yaml" | "token.json"): string {
  return joinPath(configDir(), name);
}

/**
 * Reads a configuration file as text; `undefined` when it does not exist.
 *
 * @example
 * ```ts
 * import { readConfigText } from "./_config_dir.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(await readConfigText("/no/such/config.yaml"), undefined);
 * ```
 */
export async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
