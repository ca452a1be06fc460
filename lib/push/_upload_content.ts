/**
 * What an upload sends of a transcript: its bytes with JWT-shaped secrets
 * redacted, gzipped when asked, prepared whole for a small file and as a
 * stream for a large one, so memory does not grow with a transcript's size.
 * The client sends what it is handed; redaction is push's.
 *
 * @module
 */

import type { HttpOutcome } from "../http/client.ts";
import { baseName } from "../fs/path.ts";
import type { PushClient } from "./options.ts";
import { JwtRedactionStream, redactJwtBytes } from "./redact.ts";

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
 */
export async function preparedStream(
  source: string,
  gzip: boolean,
): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(source, { read: true });
  const redacted = file.readable.pipeThrough(new JwtRedactionStream());
  return gzip ? redacted.pipeThrough(gzipStream()) : redacted;
}

/** Options for {@linkcode uploadTranscript}. */
export interface TranscriptUpload {
  /** Gzip the content (only when the server accepts it). */
  gzip: boolean;
  /** Read the bytes from here instead of the queued path (the resolved link target). */
  source: string;
  /** The file's size as just checked: it picks how the file is sent. */
  size: number;
}

/**
 * Uploads the transcript queued at `path`, named after it, redacted (and
 * gzipped when asked); a file that cannot be read is a network-kind outcome
 * (transient: it is tried again next push).
 */
export async function uploadTranscript(
  client: PushClient,
  path: string,
  upload: TranscriptUpload,
): Promise<HttpOutcome> {
  const { gzip, source, size } = upload;
  let content: Uint8Array | ReadableStream<Uint8Array>;
  try {
    content = size <= SMALL_UPLOAD_BYTES
      ? await preparedBytes(source, gzip)
      : await preparedStream(source, gzip);
  } catch (error) {
    return { kind: "network", error: `cannot read ${path}: ${(error as Error).message}` };
  }
  return await client.uploadSession(baseName(path), content, { gzip, size });
}
