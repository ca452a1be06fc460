/**
 * Where the receiver's bearer tokens come from, besides the command line
 * (which every local user can read with `ps`): `TOKEN=USER` pairs from an
 * environment variable (comma-separated) or a token file (one per line,
 * read only when it is a regular file of at most 1 MiB). A token is never
 * echoed in an error message, only where it was (item or line number).
 *
 * @module
 */

import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";

/** Tokens and the user id each stands for. */
export type TokenMap = Map<string, string>;

/**
 * One `TOKEN=USER` pair (split at the last `=`, so a token may hold `=`),
 * or `undefined` when it is not one.
 */
export function parseTokenPair(pair: string): [string, string] | undefined {
  const equals = pair.lastIndexOf("=");
  if (equals <= 0 || equals === pair.length - 1) return undefined;
  return [pair.slice(0, equals), pair.slice(equals + 1)];
}

/**
 * Adds `token` for `user` to `tokens`.
 *
 * @throws {TypeError} when the token already stands for another user.
 */
export function addToken(tokens: TokenMap, token: string, user: string): void {
  const known = tokens.get(token);
  if (known !== undefined && known !== user) {
    throw new TypeError(
      `Cannot serve a token for two users: "${known}" and "${user}" share one`,
    );
  }
  tokens.set(token, user);
}

/**
 * Adds the comma-separated `TOKEN=USER` pairs of an environment variable's
 * `value` to `tokens` (spaces around items are ignored, empty items too).
 *
 * @throws {TypeError} for an item that is not `TOKEN=USER` (named by its
 * position, never shown), or a token given for two users.
 */
export function addTokensFromEnv(tokens: TokenMap, name: string, value: string): void {
  const items = value.split(",").map((item) => item.trim());
  items.forEach((item, index) => {
    if (item === "") return;
    const pair = parseTokenPair(item);
    if (pair === undefined) {
      throw new TypeError(`Cannot read ${name}: item ${index + 1} is not TOKEN=USER`);
    }
    addToken(tokens, ...pair);
  });
}

/**
 * Adds the `TOKEN=USER` lines of the token file at `path` to `tokens`
 * (blank lines and lines starting with `#` are skipped).
 *
 * Requires `--allow-read` on `path`.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {RefusedFileError} when it is not a regular file (a link, FIFO,
 * device, folder) or is larger than 1 MiB.
 * @throws {TypeError} for a line that is not `TOKEN=USER` (named by its
 * number, never shown), or a token given for two users.
 */
export function addTokensFromFile(tokens: TokenMap, path: string): void {
  const text = readTextFileBounded(path, SMALL_FILE_LIMIT);
  if (text === undefined) {
    throw new Deno.errors.NotFound(`Cannot read token file "${path}": no such file`);
  }
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const pair = parseTokenPair(line);
    if (pair === undefined) {
      throw new TypeError(`Cannot read token file "${path}": line ${index + 1} is not TOKEN=USER`);
    }
    addToken(tokens, ...pair);
  });
}
