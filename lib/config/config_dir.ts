/**
 * The configuration folder shared with the Python `agnes` tool, and reading
 * the files in it.
 *
 * @module
 */

import { homeDir, joinPath } from "../fs/path.ts";
import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";

/**
 * The configuration folder: `$AGNES_CONFIG_DIR`, else `~/.config/agnes` (home
 * from `HOME`, else `USERPROFILE`).
 */
export function configDir(): string {
  const explicit = Deno.env.get("AGNES_CONFIG_DIR");
  if (explicit) return explicit;
  return joinPath(homeDir(), ".config", "agnes");
}

/**
 * The path of a file in the configuration folder.
 */
export function configFile(name: "config.yaml" | "token.json"): string {
  return joinPath(configDir(), name);
}

/**
 * Reads a configuration file as text (a regular file of at most 1 MiB);
 * `undefined` when it does not exist.
 *
 * @throws {RefusedFileError} when it is not a regular file or is too large.
 */
export function readConfigText(path: string): string | undefined {
  return readTextFileBounded(path, SMALL_FILE_LIMIT);
}
