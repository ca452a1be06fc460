/**
 * The one error of the HTTP/1.1 server's own: a request it refuses, with
 * the status it answers (400 for a malformed head or body, 408 when a time
 * limit passes, 431 for an over-long head, …), before or around the handler.
 *
 * @module
 */

/**
 * A request the HTTP/1.1 server answers itself, with `status`.
 */
export class HttpError extends Error {
  /** Always `"HttpError"`. */
  override name = "HttpError";

  /**
   * @param status The HTTP status to answer with.
   * @param message What went wrong, for the log.
   */
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
