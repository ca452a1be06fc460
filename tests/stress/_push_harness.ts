/**
 * The push scenarios' harness: a workspace, a Claude projects folder, and
 * the real receiver on loopback behind a thin wrapper that counts what it
 * stored (an upload answered 200 is a file written), so duplicates are
 * counted from the server's side.
 */

import { tempWorkspace } from "../_helpers.ts";
import { appendToQueue, createReceiver, type QueueEntry, type Workspace } from "../../mod.ts";
import { readLines } from "../../lib/fs/read_lines.ts";
import { LEDGER_DIR } from "../../lib/store/upload_ledger.ts";

export const TOKEN = "stress-token-0123456789";
export const USER = "analyst";

/** A workspace, transcripts and a counting receiver. */
export interface PushHarness extends AsyncDisposable {
  workspace: Workspace;
  /** The Claude config folder (`$CLAUDE_CONFIG_DIR`); transcripts live in its `projects/-w/`. */
  claudeDir: string;
  projects: string;
  url: string;
  dataDir: string;
  /** The environment a CLI push needs (server, token, Claude folder, workspace). */
  env: Record<string, string>;
  /** Status to answer instead of storing, by transcript file name. */
  statuses: Map<string, number>;
  /** Upload requests by file name, in arrival order (scripted ones included). */
  requests: string[];
  /** How many times the receiver stored each file name. */
  stores: Map<string, number>;
  /** Writes a transcript `projects/-w/<name>.jsonl`; returns its path. */
  transcript(name: string, content: string | Uint8Array): Promise<string>;
  queue(...entries: QueueEntry[]): Promise<void>;
  /** The stored files, name → bytes. */
  stored(): Promise<Map<string, Uint8Array>>;
  /** Paths the upload ledger records for this harness's server. */
  ledgerPaths(): Promise<Set<string>>;
}

/**
 * Serves `receive` (the real receiver) on loopback, calling `onStored` with
 * the stored file name of each upload answered 200, before the answer goes
 * out: duplicates are counted from the server's side.
 */
export function serveCounting(
  receive: (request: Request) => Promise<Response>,
  onStored: (filename: string, request: Request) => void | Promise<void>,
): { url: string; server: Deno.HttpServer } {
  let url = "";
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => url = `http://127.0.0.1:${port}`,
  }, async (request) => {
    const response = await receive(request);
    if (new URL(request.url).pathname === "/api/upload/sessions" && response.status === 200) {
      const { filename } = await response.clone().json();
      await onStored(filename, request);
    }
    return response;
  });
  return { url, server };
}

/** Starts a harness; dispose of it to stop the receiver and remove every folder. */
export async function pushHarness(): Promise<PushHarness> {
  const workspace = await tempWorkspace();
  await workspace.ensureStateDir();
  const claudeDir = await Deno.makeTempDir({ prefix: "agnes-claude-" });
  const projects = `${claudeDir}/projects`;
  await Deno.mkdir(`${projects}/-w`, { recursive: true });
  const dataDir = await Deno.makeTempDir({ prefix: "agnes-data-" });
  const statuses = new Map<string, number>();
  const requests: string[] = [];
  const stores = new Map<string, number>();
  const receive = createReceiver({
    dataDir,
    tokens: new Map([[TOKEN, USER]]),
    maxUploadBytes: 256 * 1024 * 1024,
    maxDecompressedBytes: 256 * 1024 * 1024,
    scripted: (name) => {
      requests.push(name);
      const status = statuses.get(name);
      return status === undefined ? undefined : Response.json({ detail: "scripted" }, { status });
    },
  });
  const { url, server } = serveCounting(receive, (filename) => {
    stores.set(filename, (stores.get(filename) ?? 0) + 1);
  });
  const folder = `${dataDir}/user_sessions/${USER}`;
  return {
    workspace,
    claudeDir,
    projects,
    url,
    dataDir,
    env: {
      AGNES_SERVER: url,
      AGNES_TOKEN: TOKEN,
      CLAUDE_CONFIG_DIR: claudeDir,
      AGNES_CONFIG_DIR: `${claudeDir}/agnes-config`,
      AGNES_LOCAL_DIR: workspace.root,
    },
    statuses,
    requests,
    stores,
    async transcript(name, content) {
      const path = `${projects}/-w/${name}.jsonl`;
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
      return path;
    },
    queue: (...entries) => appendToQueue(workspace, entries),
    async stored() {
      const files = new Map<string, Uint8Array>();
      try {
        for await (const entry of Deno.readDir(folder)) {
          if (entry.isFile && !entry.name.startsWith(".")) {
            files.set(entry.name, await Deno.readFile(`${folder}/${entry.name}`));
          }
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return files;
    },
    async ledgerPaths() {
      const paths = new Set<string>();
      const root = `${workspace.stateDir}/${LEDGER_DIR}`;
      try {
        for await (const server of Deno.readDir(root)) {
          for await (const shard of Deno.readDir(`${root}/${server.name}`)) {
            if (!/^[0-9a-f]{2}\.txt$/.test(shard.name)) continue;
            for await (const row of readLines(`${root}/${server.name}/${shard.name}`)) {
              if (row.ok) paths.add(row.text.split("\t").slice(2).join("\t"));
            }
          }
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return paths;
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      for (const dir of [workspace.root, claudeDir, dataDir]) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Sum over names of the stores beyond the first. */
export function duplicateStores(stores: ReadonlyMap<string, number>): number {
  let extra = 0;
  for (const count of stores.values()) extra += Math.max(0, count - 1);
  return extra;
}
