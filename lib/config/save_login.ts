/**
 * Writing what `login` stores: the server URL in `config.yaml` and the token
 * in `token.json`, the files the Python `agnes` tool reads too.
 *
 * @module
 */

import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import { configDir, configFile, readConfigText } from "./config_dir.ts";
import { SERVER_LINE } from "./server.ts";

/**
 * Stores the server URL in `config.yaml` (keeping its other keys) and the
 * token in `token.json` as `{"access_token": …}`, both mode 0600, each
 * replaced atomically.
 *
 * @example
 * ```ts
 * import { saveLogin } from "./save_login.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * Deno.env.set("AGNES_CONFIG_DIR", dir);
 * await saveLogin("https://agnes.example.com", "secret-token");
 * deepStrictEqual(JSON.parse(await Deno.readTextFile(`${dir}/token.json`)), { access_token: "secret-token" });
 * Deno.env.delete("AGNES_CONFIG_DIR");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveLogin(server: string, token: string): Promise<void> {
  await Deno.mkdir(configDir(), { recursive: true, mode: 0o700 });
  const yamlPath = configFile("config.yaml");
  const yaml = (readConfigText(yamlPath)) ?? "";
  const line = `server: ${JSON.stringify(server)}`;
  const updated = SERVER_LINE.test(yaml) ? yaml.replace(SERVER_LINE, line) : `${line}\n${yaml}`;
  const secret = { mode: 0o600 };
  await writeFileAtomic(yamlPath, updated.endsWith("\n") ? updated : updated + "\n", secret);
  await writeFileAtomic(
    configFile("token.json"),
    JSON.stringify({ access_token: token }) + "\n",
    secret,
  );
}
