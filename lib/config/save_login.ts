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
