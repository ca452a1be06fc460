/**
 * What keeps the HTTP/1.1 server's connections in bounds: the cap on how
 * many are open at once, and one sweeper timer (running only while a
 * connection is open) that expires every connection whose pending read or
 * write has passed its deadline. One timer per server instead of one per
 * read keeps a read cheap; a deadline is met to within one sweep period.
 *
 * @module
 */

import { Http1Connection } from "./_http1_connection.ts";

/**
 * The open connections of one server, capped, with their deadlines swept.
 */
export class ConnectionGuard {
  /** The connections admitted and not yet released. */
  readonly open: Set<Http1Connection> = new Set();
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param maxConnections The most connections open at once.
   * @param sweepMs How often deadlines are checked, in ms.
   */
  constructor(readonly maxConnections: number, readonly sweepMs: number) {}

  /** Takes `conn` in, or `undefined` (leaving `conn` to the caller) when the cap is reached. */
  admit(conn: Deno.Conn): Http1Connection | undefined {
    if (this.open.size >= this.maxConnections) return undefined;
    const connection = new Http1Connection(conn);
    this.open.add(connection);
    this.#timer ??= setInterval(() => this.sweep(performance.now()), this.sweepMs);
    return connection;
  }

  /** Closes `connection` and frees its place. */
  release(connection: Http1Connection): void {
    connection.close();
    this.open.delete(connection);
    if (this.open.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Expires every connection whose deadline is at or before `now`. */
  sweep(now: number): void {
    for (const connection of this.open) {
      if (connection.deadline <= now) connection.expire();
    }
  }
}
