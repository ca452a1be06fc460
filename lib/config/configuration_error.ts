/**
 * The error for a push that cannot run with the configuration it has.
 *
 * @module
 */

/**
 * Thrown when push cannot run with the configuration it has (no token, an
 * unsafe server URL, a server that moved): exit 1 with the message.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(new ConfigurationError("Cannot push: no token").name, "ConfigurationError");
 * ```
 */
export class ConfigurationError extends Error {
  /** Always `"ConfigurationError"`. */
  override name = "ConfigurationError";
}
