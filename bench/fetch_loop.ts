/**
 * The push benchmark's baseline: a bare `fetch` loop uploading the given files
 * as multipart with the same concurrency, nothing else.
 *
 * `deno run -A bench/fetch_loop.ts URL TOKEN CONCURRENCY FILE...`
 *
 * @module
 */

const [url, token, concurrency, ...files] = Deno.args;
let next = 0;
async function worker(): Promise<void> {
  while (next < files.length) {
    const path = files[next++]!;
    // The fastest bare upload: one sized multipart body (FormData is slower).
    const boundary = `b${crypto.randomUUID()}`;
    const name = path.slice(path.lastIndexOf("/") + 1);
    const body = new Blob([
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`,
      await Deno.readFile(path),
      `\r\n--${boundary}--\r\n`,
    ]);
    const response = await fetch(`${url}/api/upload/sessions`, {
      method: "POST",
      body,
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
      },
    });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`Cannot upload ${path}: HTTP ${response.status}`);
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
