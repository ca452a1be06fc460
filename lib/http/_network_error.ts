/**
 * Saying what went wrong on the network in words a person can act on:
 * `fetch` reports most failures as "fetch failed" and hides the cause.
 *
 * @module
 */

/** The pieces of a failure's message chain, outermost first. */
function messages(error: unknown): string[] {
  const found: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    found.push(current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  if (found.length === 0) found.push(String(error));
  return found;
}

/**
 * Describes a failed request: refused, host not found (DNS), TLS, time-out,
 * reset, or the underlying message. The caller adds the URL.
 */
export function describeNetworkError(error: unknown, timeoutMs?: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return timeoutMs === undefined
      ? "no answer in time"
      : `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const text = messages(error).join(": ");
  if (/connection refused/i.test(text)) return "connection refused: nothing is listening there";
  if (/dns error|failed to lookup|name or service not known|nodename nor servname/i.test(text)) {
    return "the host name could not be resolved (DNS)";
  }
  if (/certificate|tls|ssl|handshake|corrupt message|InvalidContentType/i.test(text)) {
    return `the TLS handshake failed (${messages(error).at(-1)})`;
  }
  if (/reset|broken pipe|connection closed|unexpected eof|incomplete message/i.test(text)) {
    return "the server closed the connection before answering";
  }
  return messages(error).at(-1)!;
}
