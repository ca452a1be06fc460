/**
 * The receiver's `POST /api/upload/sessions`: the first `file` part of a
 * multipart body is checked by name, size-limited and gunzipped while it
 * streams, and stored atomically under `<data>/user_sessions/<user>/<name>`.
 *
 * @module
 */

import { parseContentDisposition, parseMultipart } from "./_multipart_parser.ts";
import type { PartHeaders, PartSink } from "./_multipart_parser.ts";
import { GunzipWriter } from "./_gunzip_writer.ts";
import {
  type ReceiverContext,
  type ReceiverRequest,
  type RouteAnswer,
  UploadRefusedError,
} from "./_context.ts";
import { AtomicFileWriter } from "./_stream_to_file.ts";
import { UPLOAD_NAME } from "../http/wire.ts";

/** What a multipart body may hold besides its file part: headers, boundaries, small fields. */
const MULTIPART_ALLOWANCE = 1024 * 1024;

/** One request's progress through its multipart body. */
interface SessionUpload {
  /** Where the user's transcripts go. */
  folder: string;
  /** Only the first `file` part counts. */
  seenFile: boolean;
  /** The test hook's answer, when it gave one. */
  scripted?: Response | undefined;
  /** The file being stored, under its stored name. */
  stored?: { filename: string; writer: AtomicFileWriter };
}

/** The multipart boundary of `request`; a body that is not multipart is a missing part (422). */
function boundaryOf(request: ReceiverRequest): string {
  const type = request.header("content-type") ?? "";
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  if (!type.toLowerCase().startsWith("multipart/form-data") || match === null) {
    throw new UploadRefusedError(422, "field required: file");
  }
  return match[1] ?? match[2]!;
}

/** The stored name of an upload part: its filename without `.gz`, when acceptable. */
function targetName(filename: string | undefined): { target: string; gzip: boolean } {
  const gzip = filename?.endsWith(".gz") ?? false;
  const target = gzip ? filename!.slice(0, -3) : filename ?? "";
  if (!UPLOAD_NAME.test(target) || target === "." || target === "..") {
    throw new UploadRefusedError(400, "filename must match [A-Za-z0-9._-]{1,200}");
  }
  if (!target.endsWith(".jsonl")) throw new UploadRefusedError(400, "filename must end in .jsonl");
  if (target === ".jsonl") {
    throw new UploadRefusedError(400, "filename must have a name before .jsonl");
  }
  return { target, gzip };
}

/**
 * Decides where one part's content goes: for the first `file` part, a
 * size-limited atomic file (through a gunzip for `.gz`); else nowhere.
 */
function acceptPart(
  context: ReceiverContext,
  upload: SessionUpload,
  headers: PartHeaders,
): PartSink {
  const { name, filename } = parseContentDisposition(headers.get("content-disposition") ?? "");
  if (name !== "file" || upload.seenFile) return undefined;
  upload.seenFile = true;
  const { target, gzip } = targetName(filename);
  upload.scripted = context.scripted?.(target, { gzip });
  if (upload.scripted !== undefined) return undefined;
  const writer = new AtomicFileWriter({
    folder: upload.folder,
    name: target,
    maxBytes: gzip ? context.maxDecompressedBytes : context.maxUploadBytes,
    tooLarge: () =>
      new UploadRefusedError(413, gzip ? context.decompressedTooLarge : context.tooLarge),
  });
  upload.stored = { filename: target, writer };
  if (!gzip) return writer;
  return new GunzipWriter(
    writer,
    context.maxUploadBytes,
    () => new UploadRefusedError(413, context.tooLarge),
  );
}

/**
 * Handles one session upload for `user`.
 *
 * @throws {UploadRefusedError} for a missing part (422), a bad name (400), a
 * body over a limit (413: the file part, its gunzipped content, or the
 * whole body past the file limit plus 1 MiB) or broken gzip (400).
 * @throws {MultipartError} for a malformed multipart body.
 */
export async function storeSession(
  context: ReceiverContext,
  request: ReceiverRequest,
  user: string,
): Promise<RouteAnswer> {
  const boundary = boundaryOf(request);
  if (request.body === null) throw new UploadRefusedError(422, "field required: file");
  const upload: SessionUpload = {
    folder: `${context.dataDir}/user_sessions/${user}`,
    seenFile: false,
  };
  await parseMultipart(request.body, boundary, (headers) => acceptPart(context, upload, headers), {
    // The file part as sent, plus room for part headers and small other parts.
    maxBytes: context.maxUploadBytes + MULTIPART_ALLOWANCE,
    tooLarge: () => new UploadRefusedError(413, context.tooLarge),
  });
  if (upload.scripted !== undefined) return upload.scripted;
  if (upload.stored === undefined) throw new UploadRefusedError(422, "field required: file");
  const { filename, writer } = upload.stored;
  return { status: 200, body: { status: "ok", filename, size: writer.size } };
}
