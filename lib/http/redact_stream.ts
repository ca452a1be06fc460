/**
 * The streaming form of JWT redaction, for transcripts too large to hold
 * whole: a token split across chunks is still found. A file of its own so
 * that loading the redaction does not load the Web streams (a subclass of
 * `TransformStream` does, and that costs a start-up a push of small files
 * or a scan never needs).
 *
 * @module
 */

import { concatBytes } from "./_bytes.ts";
import { redactJwtBytes } from "./redact.ts";

/**
 * A byte stream transform that replaces JWT-shaped tokens with
 * `[REDACTED-JWT]`, holding back at most one possible token between chunks.
 *
 * @example
 * ```ts
 * import { JwtRedactionStream } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const chunks = ["Bearer eyJhbG", "ciOi.eyJz.c2ln rest"].map((text) => new TextEncoder().encode(text));
 * const redacted = ReadableStream.from(chunks).pipeThrough(new JwtRedactionStream());
 * deepStrictEqual(await new Response(redacted).text(), "Bearer [REDACTED-JWT] rest");
 * ```
 */
export class JwtRedactionStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Creates the transform. */
  constructor() {
    let carry: Uint8Array = new Uint8Array(0);
    super({
      transform(chunk, controller) {
        const data = concatBytes(carry, chunk);
        const { output, rest } = redactJwtBytes(data, false);
        carry = rest;
        if (output.length > 0) controller.enqueue(output);
      },
      flush(controller) {
        const { output } = redactJwtBytes(carry, true);
        if (output.length > 0) controller.enqueue(output);
      },
    });
  }
}
