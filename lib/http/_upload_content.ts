/**
 * What an upload sends of a transcript: its bytes with JWT-shaped secrets
 * redacted, gzipped when asked, prepared whole for a small file and as a
 * stream for a large one, so memory does not grow with a transcript's size.
 *
 * @module
 */

import { redactJwtBytes } from "./redact.ts";

/**
 * Files up to this size (4 MiB) are uploaded from memory: reading, redacting
 * and gzipping them whole and sending one sized body is several times faster
 * than a chunked stream for the many small transcripts a push sends. Larger
 * files are streamed.
 */
export const SMALL_UPLOAD_BYTES = 4 * 1024 * 1024;

/** A gzip `CompressionStream`, typed for byte streams. */
function gzipStream(): TransformStream<Uint8Array, Uint8Array> {
  return new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
}

/**
 * The redacted (and, with `gzip`, compressed) bytes of the file at `source`,
 * read whole: for files up to {@linkcode SMALL_UPLOAD_BYTES}.
 *
 * @example
 * ```ts
 * import { preparedBytes } from "./_upload_content.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "token eyJhbGciOi.eyJzdWIiOiIx.c2ln\n");
 * deepStrictEqual(new TextDecoder().decode(await preparedBytes(path, false)), "token [REDACTED-JWT]\n");
 * await Deno.remove(path);
 * ```
 */
export async function preparedBytes(source: string, gzip: boolean): Promise<Uint8Array> {
  const { output } = redactJwtBytes(Deno.readFileSync(source), true); // small: one quick read
  if (!gzip) return output;
  const stream = new Blob([output as Uint8Array<ArrayBuffer>]).stream().pipeThrough(gzipStream());
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The redacted (and, with `gzip`, compressed) bytes of the file at `source`,
 * as a stream that holds at most a chunk and one possible token.
 *
 * @example
 * ```ts
 * import { preparedStream } from "./_upload_content.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "plain\n");
 * deepStrictEqual(await new Response(await preparedStream(path, false)).text(), "plain\n");
 * await Deno.remove(path);
 * ```
 */
export async function preparedStream(
  source: string,
  gzip: boolean,
): Promise<ReadableStream<Uint8Array>> {
  // Loaded on first use: the Web streams it brings cost a start-up that small uploads never need.
  const { JwtRedactionStream } = await import("./redact_stream.ts");
  const file = await Deno.open(source, { read: true });
  const redacted = file.readable.pipeThrough(new JwtRedactionStream());
  return gzip ? redacted.pipeThrough(gzipStream()) : redacted;
}
