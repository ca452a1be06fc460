/**
 * The analyst's configuration, shared with the Python `agnes` tool in
 * `${AGNES_CONFIG_DIR:-~/.config/agnes}`: which server to push to
 * (`server.ts`), with which bearer token (`token.ts`), what `login` writes
 * (`save_login.ts`), and the error for a push that cannot run
 * (`configuration_error.ts`).
 *
 * May import: `fs/`. Imported by `push/`, `commands/`.
 *
 * @example Resolve the server
 * ```ts
 * import { assertSafeServer, resolveServer } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const server = resolveServer("https://agnes.example.com/");
 * deepStrictEqual(assertSafeServer(server, false).hostname, "agnes.example.com");
 * ```
 *
 * @module
 */

export { ConfigurationError } from "./configuration_error.ts";
export {
  assertSafeServer,
  DEFAULT_SERVER,
  findServer,
  type FoundServer,
  resolveServer,
} from "./server.ts";
export { findToken, type FoundToken, resolveToken } from "./token.ts";
