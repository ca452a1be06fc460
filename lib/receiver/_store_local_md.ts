/**
 * The receiver's `POST /api/upload/local-md`: a JSON `{"content": …}` body,
 * size-limited while it streams, stored under `<data>/local_md/<user>/`.
 *
 * @module
 */

import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import {
  type JsonAnswer,
  readLimited,
  type ReceiverContext,
  type ReceiverRequest,
  UploadRefusedError,
} from "./_context.ts";

/**
 * Handles one `CLAUDE.local.md` upload for `user`.
 *
 * @throws {UploadRefusedError} for a body over the limit (413) or one that is
 * not JSON with a string `content` (422).
 */
export async function storeLocalMd(
  context: ReceiverContext,
  request: ReceiverRequest,
  user: string,
): Promise<JsonAnswer> {
  let payload: unknown;
  try {
    const tooLarge = () => new UploadRefusedError(413, context.tooLarge);
    const bytes = await readLimited(request.body, context.maxUploadBytes, tooLarge);
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    if (error instanceof UploadRefusedError) throw error;
    throw new UploadRefusedError(422, "invalid JSON body");
  }
  const content = (payload as { content?: unknown } | null)?.content;
  if (typeof content !== "string") throw new UploadRefusedError(422, "field required: content");
  const folder = `${context.dataDir}/local_md/${user}`;
  await Deno.mkdir(folder, { recursive: true });
  await writeFileAtomic(`${folder}/CLAUDE.local.md`, content);
  return { status: 200, body: { status: "ok", user, size: content.length } };
}
