/**
 * Storing an upload so that no reader ever sees half of it.
 *
 * @module
 */

/**
 * Streams `content` into a temp file in `folder`, then renames it to `name`;
 * on failure the temp file is removed. Resolves with the bytes written.
 *
 * @example
 * ```ts
 * import { streamToFileAtomically } from "./_stream_to_file.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * const size = await streamToFileAtomically(folder, "s1.jsonl", ReadableStream.from([new TextEncoder().encode("{}\n")]));
 * deepStrictEqual([size, await Deno.readTextFile(`${folder}/s1.jsonl`)], [3, "{}\n"]);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function streamToFileAtomically(
  folder: string,
  name: string,
  content: ReadableStream<Uint8Array>,
): Promise<number> {
  const temp = `${folder}/.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true });
  let size = 0;
  try {
    const counted = content.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    await counted.pipeTo(file.writable); // closes the file
    await Deno.rename(temp, `${folder}/${name}`);
    return size;
  } catch (error) {
    try {
      file.close();
    } catch {
      // pipeTo already closed it.
    }
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
