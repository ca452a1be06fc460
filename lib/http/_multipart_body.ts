/**
 * The request body of an upload: `multipart/form-data` with one file part
 * named `file`, built from memory (a sized body) or from a stream.
 *
 * @module
 */

function partHead(boundary: string, filename: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
}

function partTail(boundary: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
}

/**
 * A `multipart/form-data` body with one file part named `file`, from memory:
 * a `Blob`, so it is sent with a `Content-Length`.
 */
export function multipartBlob(boundary: string, filename: string, content: Uint8Array): Blob {
  return new Blob([
    partHead(boundary, filename),
    content as Uint8Array<ArrayBuffer>,
    partTail(boundary),
  ]);
}

/**
 * A `multipart/form-data` body with one file part named `file`, streamed.
 */
export function multipartStream(
  boundary: string,
  filename: string,
  content: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const head = partHead(boundary, filename);
  const tail = partTail(boundary);
  const reader = content.getReader();
  let stage: "head" | "body" | "done" = "head";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === "head") {
        stage = "body";
        controller.enqueue(head);
        return;
      }
      const { value, done } = await reader.read();
      if (!done) {
        controller.enqueue(value);
        return;
      }
      stage = "done";
      controller.enqueue(tail);
      controller.close();
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
