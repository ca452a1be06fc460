/**
 * What an answer from the server means for push (the policy, apart from the
 * transport that fetched it): success, transient, permanent or moved; when a
 * `Retry-After` is worth waiting for within a run; and when to stop sending
 * altogether (the circuit breaker).
 *
 * The server's `X-Agnes-Min-Version` and `X-Agnes-Latest-Version` speak of
 * the Python `agnes` CLI's versions, not ours: they are information (shown by
 * `status`), never a reason to stop.
 *
 * @module
 */

import type { HttpOutcome } from "./client.ts";

/** How push treats an outcome. */
export type OutcomeClass = "success" | "transient" | "permanent" | "moved";

/**
 * Classifies an outcome: 2xx success; 3xx the server moved; 401, 408, 429,
 * 5xx and network errors are transient; any other 4xx is permanent.
 *
 * @example
 * ```ts
 * import { classifyOutcome } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(classifyOutcome({ kind: "http", status: 503 }), "transient");
 * deepStrictEqual(classifyOutcome({ kind: "http", status: 413 }), "permanent");
 * deepStrictEqual(classifyOutcome({ kind: "network", error: "refused" }), "transient");
 * ```
 */
export function classifyOutcome(outcome: HttpOutcome): OutcomeClass {
  if (outcome.kind === "network") return "transient";
  const { status } = outcome;
  if (status >= 200 && status < 300) return "success";
  if (status >= 300 && status < 400) return "moved";
  if (status === 401 || status === 408 || status === 429 || status >= 500) return "transient";
  return "permanent";
}

/**
 * A `Retry-After` header (seconds or an HTTP date) in ms from `now`;
 * `undefined` when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before sending the same upload again within this run:
 * only for a 429 or 503 whose `Retry-After` is at most `maxMs`, and at most
 * twice; `undefined` means do not retry now.
 */
export function retryWithinRunMs(
  outcome: HttpOutcome,
  attempt: number,
  maxMs: number,
): number | undefined {
  if (outcome.kind !== "http" || (outcome.status !== 429 && outcome.status !== 503)) return;
  const wait = parseRetryAfter(outcome.retryAfter);
  return wait === undefined || attempt >= 2 || wait > maxMs ? undefined : wait;
}

/**
 * The per-run circuit breaker: after a 401, or after `threshold` consecutive
 * transient failures, push stops sending (there is no point in sending a
 * rejected credential a hundred times) and requeues the rest.
 */
export class CircuitBreaker {
  #consecutive = 0;
  #open = false;

  /**
   * @param threshold Consecutive transient failures that open the breaker.
   */
  constructor(readonly threshold: number) {}

  /** Whether sending should stop for the rest of the run. */
  get open(): boolean {
    return this.#open;
  }

  /** Counts one answer: a success closes the streak, a 401 opens the breaker at once. */
  record(outcome: HttpOutcome): void {
    const verdict = classifyOutcome(outcome);
    if (verdict === "success") this.#consecutive = 0;
    if (verdict !== "transient") return;
    this.#consecutive++;
    const unauthorized = outcome.kind === "http" && outcome.status === 401;
    if (unauthorized || this.#consecutive >= this.threshold) this.#open = true;
  }
}
