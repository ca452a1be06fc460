/**
 * A stand-in for the Anthropic Messages API, enough for `claude -p` to hold a
 * session: `POST /v1/messages` answers one text block (streamed as
 * server-sent events when asked, as Claude Code does, else as one JSON
 * message), `POST /v1/messages/count_tokens` a token count, and any other
 * path the API's JSON 404 error. On 127.0.0.1, port 0.
 *
 * @module
 */

/** What the stand-in answers every prompt with. */
export const ANSWER = "Done: the stand-in answered.";

/** A running stand-in API. */
export interface StandInApi extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, for `ANTHROPIC_BASE_URL`. */
  url: string;
  /** `POST /v1/messages` requests answered so far. */
  messages(): number;
}

/** One server-sent event. */
function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The streamed answer: every event of one text block, in the API's order. */
function streamedAnswer(id: string, model: string): string {
  const usage = { input_tokens: 12, output_tokens: 1 };
  return [
    event("message_start", {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    }),
    event("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
    event("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: ANSWER },
    }),
    event("content_block_stop", { type: "content_block_stop", index: 0 }),
    event("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 8 },
    }),
    event("message_stop", { type: "message_stop" }),
  ].join("");
}

/** The whole answer as one JSON message (a request without `"stream": true`). */
function plainAnswer(id: string, model: string): Record<string, unknown> {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: ANSWER }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 8 },
  };
}

/** The API's error shape. */
function apiError(status: number, type: string, message: string): Response {
  return Response.json({ type: "error", error: { type, message } }, { status });
}

/** Answers one request; `counts.messages` counts the answered messages. */
async function answer(request: Request, counts: { messages: number }): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method !== "POST") return apiError(404, "not_found_error", `No route ${path}`);
  let body: { model?: unknown; stream?: unknown };
  try {
    body = await request.json();
  } catch {
    return apiError(400, "invalid_request_error", "The body is not JSON");
  }
  if (path === "/v1/messages/count_tokens") return Response.json({ input_tokens: 12 });
  if (path !== "/v1/messages") return apiError(404, "not_found_error", `No route ${path}`);
  counts.messages++;
  const id = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const model = typeof body.model === "string" ? body.model : "claude-stand-in";
  if (body.stream !== true) return Response.json(plainAnswer(id, model));
  return new Response(streamedAnswer(id, model), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

/** Starts the stand-in API on 127.0.0.1, port 0. */
export function startStandInApi(): StandInApi {
  const counts = { messages: 0 };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => answer(request, counts),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    messages: () => counts.messages,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
