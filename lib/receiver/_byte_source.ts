/**
 * A request body as the receiver reads it: one chunk per `read()`, `null`
 * at the end. The HTTP/1.1 server hands its bodies over in this form
 * (no `ReadableStream`, so no stream machinery per chunk); a Fetch API
 * body is adapted with {@linkcode streamSource}.
 *
 * @module
 */

/** Bytes read one chunk at a time. */
export interface ByteSource {
  /**
   * The next bytes, or `null` at the end. A chunk is the caller's until the
   * request is answered; keep a copy to hold it longer.
   */
  read(): Promise<Uint8Array | null>;
}

/**
 * A {@linkcode ByteSource} reading `stream` (it stays locked to this source).
 */
export function streamSource(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader();
  return {
    async read() {
      const { value, done } = await reader.read();
      return done ? null : value;
    },
  };
}
