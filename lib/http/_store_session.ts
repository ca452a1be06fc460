/**
 * The receiver's `POST /api/upload/sessions`: the first `file` part of a
 * multipart body is checked by name, size-limited and gunzipped while it
 * streams, and stored under `<data>/user_sessions/<user>/<name>`.
 *
 * @module
 */

import { parseContentDisposition, parseMultipart } from "./_multipart_parser.ts";
import type { PartHeaders, PartSink } from "./_multipart_parser.ts";
import { byteLimit, json, type ReceiverContext, UploadRejection } from "./_receiver_context.ts";
import { streamToFileAtomically } from "./_stream_to_file.ts";
import { UPLOAD_NAME } from "./_wire.ts";

/** One request's progress through its multipart body. */
interface SessionUpload {
  /** Where the user's transcripts go. */
  folder: string;
  /** Only the first `file` part counts. */
  seenFile: boolean;
  /** The test hook's answer, when it gave one. */
  scripted?: Response | undefined;
  /** The file being stored: its name and size once written. */
  stored?: Promise<{ filename: string; size: number }>;
}

/** The multipart boundary of `request`; a body that is not multipart is a missing part (422). */
function boundaryOf(request: Request): string {
  const type = request.headers.get("content-type") ?? "";
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  if (!type.toLowerCase().startsWith("multipart/form-data") || match === null) {
    throw new UploadRejection(422, "field required: file");
  }
  return match[1] ?? match[2]!;
}

/** The stored name of an upload part: its filename without `.gz`, when acceptable. */
function targetName(filename: string | undefined): { target: string; gzip: boolean } {
  const gzip = filename?.endsWith(".gz") ?? false;
  const target = gzip ? filename!.slice(0, -3) : filename ?? "";
  if (!UPLOAD_NAME.test(target) || target === "." || target === "..") {
    throw new UploadRejection(400, "filename must match [A-Za-z0-9._-]{1,200}");
  }
  if (!target.endsWith(".jsonl")) throw new UploadRejection(400, "filename must end in .jsonl");
  return { target, gzip };
}

/** The part's bytes as stored: size-limited as sent, then gunzipped and limited again. */
function storedContent(
  context: ReceiverContext,
  sent: ReadableStream<Uint8Array>,
  gzip: boolean,
): ReadableStream<Uint8Array> {
  const content = sent.pipeThrough(
    byteLimit(context.maxUploadBytes, () => new UploadRejection(413, context.tooLarge)),
  );
  if (!gzip) return content;
  return content
    .pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    .pipeThrough(
      byteLimit(
        context.maxDecompressedBytes,
        () => new UploadRejection(413, context.decompressedTooLarge),
      ),
    );
}

/** Decides where one part's content goes: stored for the first `file` part, else nowhere. */
async function acceptPart(
  context: ReceiverContext,
  upload: SessionUpload,
  headers: PartHeaders,
): Promise<PartSink> {
  const { name, filename } = parseContentDisposition(headers.get("content-disposition") ?? "");
  if (name !== "file" || upload.seenFile) return undefined;
  upload.seenFile = true;
  const { target, gzip } = targetName(filename);
  upload.scripted = context.scripted?.(target, { gzip });
  if (upload.scripted !== undefined) return undefined;
  await Deno.mkdir(upload.folder, { recursive: true });
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const content = storedContent(context, readable, gzip);
  upload.stored = streamToFileAtomically(upload.folder, target, content).then(
    (size) => ({ filename: target, size }),
    (error) => {
      // DecompressionStream fails with a TypeError on corrupt, truncated,
      // multi-member or trailing-data input.
      throw gzip && !(error instanceof UploadRejection)
        ? new UploadRejection(400, "invalid_gzip")
        : error;
    },
  );
  upload.stored.catch(() => {}); // awaited by storeSession
  return writable.getWriter();
}

/**
 * Handles one session upload for `user`.
 *
 * @throws {UploadRejection} for a missing part (422), a bad name (400), a
 * body over a limit (413) or broken gzip (400).
 * @throws {MultipartError} for a malformed multipart body.
 *
 * @example
 * ```ts
 * import { storeSession } from "./_store_session.ts";
 * import { createReceiverContext } from "./_receiver_context.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dataDir = await Deno.makeTempDir();
 * const context = createReceiverContext({ dataDir, tokens: new Map() });
 * const form = new FormData();
 * form.append("file", new Blob(["{}\n"]), "s1.jsonl");
 * const response = await storeSession(context, new Request("http://x/", { method: "POST", body: form }), "me");
 * deepStrictEqual(await response.json(), { status: "ok", filename: "s1.jsonl", size: 3 });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function storeSession(
  context: ReceiverContext,
  request: Request,
  user: string,
): Promise<Response> {
  const boundary = boundaryOf(request);
  if (request.body === null) throw new UploadRejection(422, "field required: file");
  const upload: SessionUpload = {
    folder: `${context.dataDir}/user_sessions/${user}`,
    seenFile: false,
  };
  try {
    await parseMultipart(request.body, boundary, (headers) => acceptPart(context, upload, headers));
  } catch (error) {
    // The sink's own failure says more than the write it broke.
    throw (await upload.stored?.then(() => undefined, (sinkError) => sinkError)) ?? error;
  }
  const stored = await upload.stored;
  if (upload.scripted !== undefined) return upload.scripted;
  if (stored === undefined) throw new UploadRejection(422, "field required: file");
  return json(200, { status: "ok", ...stored }, context.headers);
}
