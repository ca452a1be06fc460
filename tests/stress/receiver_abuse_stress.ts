/**
 * Receiver abuse, against a real `serve` process: slow clients (a head
 * trickling in, a body trickling in, a connection gone idle), unterminated
 * multipart, an oversized body, a gzip bomb, broken, truncated, multi-member
 * and trailing-data gzip, bad names, no token, and many concurrent uploads
 * of one name, all while ordinary uploads keep coming and a poller watches
 * the data folder.
 *
 * What must hold whatever the receiver's time-outs and connection caps
 * (another change is adding those): its peak memory (`VmHWM`) stays bounded,
 * no half-written or refused file is ever visible (every visible `*.jsonl`
 * is one of the complete versions sent), the ordinary uploads are still
 * served, the refusals get their 400, 401, 413 or 422, and no temp file is
 * left.
 */

import { assert, assertEquals } from "../_assert.ts";
import { gzip } from "../_helpers.ts";
import { tempFiles } from "./_checks.ts";
import { type Random, seededRandom } from "./_random.ts";
import { assertInvariants, report, startClock } from "./_report.ts";
import { scaled } from "./_scale.ts";
import { type ServeProcess, startServe } from "./_serve_process.ts";

const SLOW_CLIENTS = scaled(48, 16);
const SAME_NAME = scaled(24, 12);
const STORMS = scaled(4, 2);
const MIN_DURATION_MS = scaled(15_000, 3_000);
const VERSION_MIB = scaled(2, 1);
const MAX_UPLOAD_MIB = 4;
const PEAK_LIMIT_MIB = 200;
const TOKEN = "abuse-token-0123456789";
const USER = "analyst";
const MIB = 1024 * 1024;

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function concat(...parts: (Uint8Array | string)[]): Uint8Array {
  const chunks = parts.map((part) => typeof part === "string" ? encoder.encode(part) : part);
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A multipart body with one `file` part; without `terminate`, the closing boundary is missing. */
function multipart(filename: string, content: Uint8Array, terminate = true): Uint8Array {
  return concat(
    `--b\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n`,
    "Content-Type: application/octet-stream\r\n\r\n",
    content,
    terminate ? "\r\n--b--\r\n" : "",
  );
}

/** A request head for an upload of `length` bytes. */
function uploadHead(
  length: number | "chunked",
  token: string | null = TOKEN,
  type = "multipart/form-data; boundary=b",
) {
  return [
    "POST /api/upload/sessions HTTP/1.1",
    "Host: 127.0.0.1",
    ...(token === null ? [] : [`Authorization: Bearer ${token}`]),
    `Content-Type: ${type}`,
    length === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`,
    "",
    "",
  ].join("\r\n");
}

/** Sends raw bytes and returns the answer's status: a number, "closed" or "timeout". */
async function rawStatus(
  url: string,
  bytes: Uint8Array,
  deadlineMs = 30_000,
): Promise<number | string> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, deadlineMs);
  const writing = (async () => {
    for (let written = 0; written < bytes.length;) {
      written += await conn.write(bytes.subarray(written, written + 64 * 1024));
    }
  })().catch(() => {}); // the server may answer (and stop reading) before the end
  let text = "";
  try {
    const buffer = new Uint8Array(4096);
    while (!text.includes("\r\n")) {
      const count = await conn.read(buffer);
      if (count === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, count));
    }
  } catch {
    // Reset or closed by the deadline.
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Closed by the deadline already.
    }
    await writing;
  }
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  return status !== undefined ? Number(status) : timedOut ? "timeout" : "closed";
}

/** A client that trickles bytes until stopped; whether the server closed on it. */
interface SlowClient {
  stop(): Promise<void>;
  closedByServer: boolean;
}

async function slowClient(url: string, kind: number, index: number): Promise<SlowClient> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  let running = true;
  const client: SlowClient = { closedByServer: false, stop: async () => {} };
  const start = [
    "POST /api/upload/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n", // a head that never ends
    uploadHead(MIB) +
    `--b\r\nContent-Disposition: form-data; name="file"; filename="slow-${index}.jsonl"\r\n\r\n`,
    uploadHead(MIB), // a head, then silence
    uploadHead("chunked") + "400\r\n--b\r\n", // half a chunk, then silence
  ][kind % 4]!;
  const loop = (async () => {
    try {
      await conn.write(encoder.encode(start));
      while (running) {
        await sleep(200);
        if (kind % 4 === 0) await conn.write(encoder.encode("X"));
        if (kind % 4 === 1) await conn.write(encoder.encode("y".repeat(64)));
      }
    } catch {
      client.closedByServer = true;
    }
  })();
  client.stop = async () => {
    running = false;
    await loop;
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  return client;
}

/** Watches the data folder: every visible `*.jsonl` must be one of the complete versions sent. */
function watch(folder: string, allowed: Map<string, Set<string>>) {
  const seen = new Map<string, string>(); // name → identity of the version last read
  const state = { running: true, reads: 0, torn: [] as string[] };
  const loop = (async () => {
    while (state.running) {
      let entries: Deno.DirEntry[] = [];
      try {
        entries = [...Deno.readDirSync(folder)];
      } catch {
        // Not there yet.
      }
      for (const entry of entries) {
        if (entry.name.startsWith(".") || !entry.isFile) continue; // temp files are hidden
        const path = `${folder}/${entry.name}`;
        try {
          const info = Deno.statSync(path);
          const identity = `${info.ino}:${info.size}:${info.mtime?.getTime()}`;
          if (seen.get(entry.name) === identity) continue;
          seen.set(entry.name, identity);
          const hash = await sha256(await Deno.readFile(path));
          state.reads++;
          if (!allowed.get(entry.name)?.has(hash)) {
            state.torn.push(`${entry.name} (${info.size} bytes) is no complete version sent`);
          }
        } catch {
          // Replaced between the listing and the read: the next pass reads the new one.
        }
      }
      await sleep(5);
    }
  })();
  return {
    state,
    stop: async () => {
      state.running = false;
      await loop;
    },
  };
}

/** Ordinary uploads, one after another, until stopped: each must be answered 200 in time. */
function ordinaryUploads(serve: ServeProcess, random: Random, allowed: Map<string, Set<string>>) {
  const state = {
    running: true,
    served: 0,
    failed: [] as string[],
    stored: [] as string[],
  };
  const loop = (async () => {
    for (let k = 0; state.running; k++) {
      const name = `ordinary-${k}.jsonl`;
      const content = encoder.encode(`{"text":"${random.text(random.int(1024, 64 * 1024))}"}\n`);
      allowed.set(name, new Set([await sha256(content)]));
      const status = await fetchUpload(serve.url, name, content, 10_000);
      if (status === 200) {
        state.served++;
        state.stored.push(name);
      } else state.failed.push(`${name}: ${status}`);
      await sleep(50);
    }
  })();
  return {
    state,
    stop: async () => {
      state.running = false;
      await loop;
    },
  };
}

/** A whole upload request (head and body) of `content` named `filename`. */
function uploadRequest(
  filename: string,
  content: Uint8Array,
  options: { token?: string | null; terminate?: boolean } = {},
): Uint8Array {
  const body = multipart(filename, content, options.terminate ?? true);
  return concat(uploadHead(body.length, options.token === undefined ? TOKEN : options.token), body);
}

/** Uploads `content` as `name` with fetch; the status, or the error's message. */
async function fetchUpload(
  url: string,
  name: string,
  content: Uint8Array,
  timeoutMs = 60_000,
): Promise<number | string> {
  const form = new FormData();
  form.append("file", new Blob([content as Uint8Array<ArrayBuffer>]), name);
  try {
    const response = await fetch(`${url}/api/upload/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A gzip of `mib` MiB of zeros: about a thousandth of that on the wire. */
const gzipBomb = (mib: number) => gzip(new Uint8Array(mib * MIB));

Deno.test(`serve under abuse (${SLOW_CLIENTS} slow clients, broken bodies, ${SAME_NAME} concurrent uploads of one name, ${STORMS} times): memory under ${PEAK_LIMIT_MIB} MB, no half-written file ever visible, ordinary uploads still served, refusals answered`, async () => {
  const clock = startClock();
  const random = seededRandom();
  // Room for every client of the storm at once: at full size the slow clients and one storm
  // (72) pass the default cap of 64 connections, past which a connection is turned away by
  // design (tests/receiver/serve_receiver_test.ts pins that); this scenario is about serving them.
  const cap = String(2 * (SLOW_CLIENTS + SAME_NAME));
  await using serve = await startServe(TOKEN, USER, [
    "--max-upload-mb",
    String(MAX_UPLOAD_MIB),
    "--max-connections",
    cap,
  ]);
  const folder = `${serve.dataDir}/user_sessions/${USER}`;
  const allowed = new Map<string, Set<string>>();
  const watcher = watch(folder, allowed);
  const ordinary = ordinaryUploads(serve, random, allowed);
  const slow = await Promise.all(
    Array.from({ length: SLOW_CLIENTS }, (_, i) => slowClient(serve.url, i, i)),
  );
  const problems: string[] = [];

  // Refusals, each with the status it must get.
  const small = encoder.encode('{"text":"refused"}\n');
  const cut = (await gzip(encoder.encode(random.text(4096)))).slice(0, 100);
  const refusals: [string, Uint8Array, number][] = [
    ["unterminated multipart", uploadRequest("open.jsonl", small, { terminate: false }), 400],
    [
      "a body over the limit",
      uploadRequest("big.jsonl", new Uint8Array((MAX_UPLOAD_MIB + 1) * MIB)),
      413,
    ],
    ["bytes that are not gzip", uploadRequest("noise.jsonl.gz", small), 400],
    ["truncated gzip", uploadRequest("cut.jsonl.gz", cut), 400],
    [
      "two gzip members",
      uploadRequest("two.jsonl.gz", concat(await gzip(small), await gzip(small))),
      400,
    ],
    [
      "gzip and trailing data",
      uploadRequest("trail.jsonl.gz", concat(await gzip(small), "x")),
      400,
    ],
    ["a name with ..", uploadRequest("../evil.jsonl", small), 400],
    ["a name not ending in .jsonl", uploadRequest("evil.txt", small), 400],
    ["no token", uploadRequest("anon.jsonl", small, { token: null }), 401],
    ["not multipart", concat(uploadHead(small.length, TOKEN, "application/json"), small), 422],
  ];
  for (const [what, request, expected] of refusals) {
    const status = await rawStatus(serve.url, request);
    if (status !== expected) problems.push(`${what}: answered ${status}, expected ${expected}`);
  }

  // Many uploads of one name at once, each a different complete version, several times over.
  const versions = await Promise.all(Array.from({ length: SAME_NAME * STORMS }, async (_, k) => {
    const line = `{"version":${k},"text":"${random.text(1000)}"}\n`;
    const content = encoder.encode(line.repeat(Math.ceil(VERSION_MIB * MIB / line.length)));
    return { content, hash: await sha256(content) };
  }));
  allowed.set("same.jsonl", new Set(versions.map((version) => version.hash)));
  const sameFailed: (number | string)[] = [];
  for (let storm = 0; storm < STORMS; storm++) {
    const batch = versions.slice(storm * SAME_NAME, (storm + 1) * SAME_NAME);
    const statuses = await Promise.all(
      batch.map(({ content }) => fetchUpload(serve.url, "same.jsonl", content)),
    );
    sameFailed.push(...statuses.filter((status) => status !== 200));
  }
  if (sameFailed.length > 0) {
    problems.push(`same-name uploads not stored: ${sameFailed.join(", ")}`);
  }

  // The slow clients stay connected a while longer while ordinary uploads go on.
  while (clock() < MIN_DURATION_MS) await sleep(100);
  const peak = await serve.peakMiB();
  // A gzip bomb last: refused, its decompression bounded (see the test below).
  const bombStatus = await rawStatus(
    serve.url,
    uploadRequest("bomb.jsonl.gz", await gzipBomb(512)),
  );
  if (bombStatus !== 413) problems.push(`a gzip bomb: answered ${bombStatus}, expected 413`);
  const peakAfterBomb = await serve.peakMiB();

  await sleep(300); // the watcher sees the last renames
  await ordinary.stop();
  for (const client of slow) await client.stop();
  await watcher.stop();
  const finalSame = await sha256(await Deno.readFile(`${folder}/same.jsonl`));
  if (!allowed.get("same.jsonl")!.has(finalSame)) {
    problems.push("same.jsonl is none of the versions");
  }
  let ordinaryLost = 0;
  for (const name of ordinary.state.stored) {
    const stored = await Deno.readFile(`${folder}/${name}`).catch(() => undefined);
    if (stored === undefined || !allowed.get(name)!.has(await sha256(stored))) ordinaryLost++;
  }
  // A slow client's upload is a temp file until the receiver sees the connection gone.
  for (let waited = 0; tempFiles(serve.dataDir).length > 0 && waited < 10_000; waited += 50) {
    await sleep(50);
  }
  const temps = tempFiles(serve.dataDir);
  const counts = {
    scenario: "receiver_abuse",
    lost: ordinary.state.failed.length + ordinaryLost + sameFailed.length,
    torn: watcher.state.torn.length,
    duplicates: 0,
    overlaps: 0,
    kills: 0,
    leftovers: temps.length,
    ms: clock(),
    peak_mib: peak,
    peak_mib_after_gzip_bomb: peakAfterBomb,
    ordinary_served: ordinary.state.served,
    slow_clients: SLOW_CLIENTS,
    slow_closed_by_server: slow.filter((client) => client.closedByServer).length,
    refusals: refusals.length + 1,
    same_name_uploads: SAME_NAME * STORMS,
    files_read_by_watcher: watcher.state.reads,
    seed: random.seed,
  };
  report(counts);
  assertEquals(problems, []);
  assertEquals(watcher.state.torn, []);
  assertEquals(ordinary.state.failed, []);
  assert(ordinary.state.served >= 10, `only ${ordinary.state.served} ordinary uploads served`);
  assert(peak > 0 && peak < PEAK_LIMIT_MIB, `serve peaked at ${peak} MiB`);
  assertInvariants(counts);
});

// Found by this scenario: DecompressionStream inflates each piece it is given whole before the
// size limit sees any of it, so a gzip bomb well under the upload limit (512 KiB on the wire, 512
// MiB of zeros inside) cost the receiver about 130 MB while it was refused with 413, and 8 at once
// took serve to 566 MB. The decompressor is now fed 4 KiB at a time (lib/receiver/_gunzip_writer.ts).
Deno.test({
  name: "serve refuses 8 concurrent gzip bombs with 413 in under 200 MB",
  async fn() {
    await using serve = await startServe(TOKEN, USER, ["--max-upload-mb", String(MAX_UPLOAD_MIB)]);
    const bomb = await gzipBomb(512);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => fetchUpload(serve.url, "bomb.jsonl.gz", bomb)),
    );
    assertEquals(statuses, Array(8).fill(413));
    const peak = await serve.peakMiB();
    assert(peak < PEAK_LIMIT_MIB, `serve peaked at ${peak} MiB`);
  },
});

// Found by this scenario: after a multipart boundary, the parser waited for the line end with no
// cap, growing its buffer by copying it whole for every chunk (a body of "--b" and 48 MiB without
// a CR LF took serve to about 890 MB and 15 s). The padding after a boundary is now capped at
// 1 KiB (lib/receiver/_multipart_parser.ts).
Deno.test({
  name:
    "serve answers a body with 32 MiB and no line end after its first boundary with 400, in under 200 MB",
  async fn() {
    await using serve = await startServe(TOKEN, USER);
    const junk = new Uint8Array(32 * MIB).fill(0x78);
    const body = concat("--b", junk, "\r\n--b--\r\n");
    const status = await rawStatus(serve.url, concat(uploadHead(body.length), body), 60_000);
    assertEquals(status, 400);
    const peak = await serve.peakMiB();
    assert(peak < PEAK_LIMIT_MIB, `serve peaked at ${peak} MiB`);
  },
});
