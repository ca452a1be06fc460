/**
 * `deno task demo`: the whole product in one minute, offline.
 *
 * Starts the receiver on a free loopback port with a temp data dir, makes a
 * sample workspace and transcript, captures it as the SessionStart hook
 * would, marks a second session private, pushes, shows what the server
 * stored, and cleans up.
 *
 * @module
 */

import { serveReceiver } from "../mod.ts";
import { RUN_FLAGS } from "../lib/cli/detach.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const root = await Deno.makeTempDir({ prefix: "agnes-demo-" });
const token = crypto.randomUUID();
let url = "";
const server = serveReceiver({
  dataDir: `${root}/server-data`,
  tokens: new Map([[token, "demo-analyst"]]),
  port: 0,
  onListen: (listening) => url = listening,
});

async function cli(args: string[], stdin?: string): Promise<void> {
  console.log(`\n$ agnes-sessions ${args.join(" ")}${stdin ? "   # hook JSON on stdin" : ""}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...RUN_FLAGS, CLI, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "inherit",
    stderr: "inherit",
    env: {
      AGNES_SERVER: url,
      AGNES_TOKEN: token,
      AGNES_LOCAL_DIR: `${root}/workspace`,
      CLAUDE_CONFIG_DIR: `${root}/claude`,
      AGNES_CONFIG_DIR: `${root}/agnes-config`,
    },
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  await child.status;
}

try {
  console.log(`Receiver listening on ${url}, storing into ${root}/server-data`);
  const projects = `${root}/claude/projects/-demo-workspace`;
  await Deno.mkdir(projects, { recursive: true });
  await Deno.mkdir(`${root}/workspace`, { recursive: true });
  const sessions = { public: "0f1e2d3c-public", private: "9a8b7c6d-private" };
  for (const id of Object.values(sessions)) {
    await Deno.writeTextFile(
      `${projects}/${id}.jsonl`,
      `{"type":"user","message":"hello from ${id}","auth":"eyJhbGciOi.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl"}\n`,
    );
    const hook = {
      session_id: id,
      transcript_path: `${projects}/${id}.jsonl`,
      hook_event_name: "SessionStart",
    };
    await cli(["capture-session"], JSON.stringify(hook));
  }
  console.log(
    `\nQueue (.claude/agnes-sessions.txt):\n${await Deno.readTextFile(
      `${root}/workspace/.claude/agnes-sessions.txt`,
    )}`,
  );
  await cli(["mark-private", sessions.private]);
  await cli(["push", "--dry-run"]);
  await cli(["push"]);
  console.log("\nWhat the server stored:");
  for await (const entry of Deno.readDir(`${root}/server-data/user_sessions/demo-analyst`)) {
    const text = await Deno.readTextFile(
      `${root}/server-data/user_sessions/demo-analyst/${entry.name}`,
    );
    console.log(`  user_sessions/demo-analyst/${entry.name}: ${text.trim()}`);
  }
  console.log(
    "\n(The private session stayed on this machine; the JWT was redacted before upload.)",
  );
} finally {
  await server.shutdown();
  await Deno.remove(root, { recursive: true });
  console.log(`Cleaned up ${root}`);
}
