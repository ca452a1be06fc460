/**
 * The receiver benchmark's baseline: a bare `Deno.serve` handler that writes
 * each request's body to a file and answers a small JSON, nothing else.
 *
 * `deno run -A bench/bare_serve.ts DATA_DIR reused|distinct` prints
 * `Listening on URL`. `reused` writes over one of 200 files in place (as
 * re-uploads of 200 transcripts would), `distinct` writes a new file each
 * time.
 *
 * @module
 */

const [dataDir, names = "reused"] = Deno.args;
if (dataDir === undefined) throw new TypeError("Cannot start: no data folder given");
await Deno.mkdir(dataDir, { recursive: true });
let count = 0;
const server = Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`Listening on http://127.0.0.1:${port}`),
}, async (request) => {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const name = names === "reused" ? count++ % 200 : count++;
  await Deno.writeFile(`${dataDir}/upload-${name}`, bytes);
  return Response.json({ status: "ok", size: bytes.length });
});
Deno.addSignalListener("SIGTERM", () => server.shutdown());
await server.finished;
