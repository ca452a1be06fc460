/**
 * A `serve` process (`cli.ts serve --port 0`) for the receiver scenarios:
 * started, its URL read from its "Listening on URL" line, its peak memory
 * read from `/proc`, and stopped with SIGTERM (SIGKILL after a grace).
 */

import { cliArgs, tryKill, vmHwmKiB } from "./_proc.ts";

/** A running receiver process. */
export interface ServeProcess extends AsyncDisposable {
  url: string;
  pid: number;
  dataDir: string;
  /** Its peak resident memory so far (`VmHWM`), in MiB. */
  peakMiB(): Promise<number>;
  /** Everything it printed on stderr so far. */
  stderr(): string;
}

/** Starts `serve` with a temp data folder and token `token` for user `user`. */
export async function startServe(
  token: string,
  user: string,
  extraArgs: string[] = [],
): Promise<ServeProcess> {
  const dataDir = await Deno.makeTempDir({ prefix: "agnes-serve-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: cliArgs(
      "serve",
      "--port",
      "0",
      "--data",
      dataDir,
      "--token",
      `${token}=${user}`,
      ...extraArgs,
    ),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const errors = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (stderr += text) }),
  ).catch(() => {});
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let said = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => timer = setTimeout(resolve, 30_000));
  while (!/Listening on (http:\/\/\S+)/.test(said)) {
    const next = await Promise.race([
      reader.read(),
      deadline.then(() => ({ done: true, value: "" })),
    ]);
    if (next.done) break;
    said += next.value;
  }
  clearTimeout(timer);
  const url = /Listening on (http:\/\/\S+)/.exec(said)?.[1];
  const drained = (async () => {
    while (!(await reader.read()).done);
  })().catch(() => {});
  const stop = async () => {
    tryKill(child, "SIGTERM");
    let grace: ReturnType<typeof setTimeout> | undefined;
    const killLater = new Promise<void>((resolve) => {
      grace = setTimeout(() => {
        tryKill(child);
        resolve();
      }, 10_000);
    });
    await Promise.race([child.status, killLater]);
    clearTimeout(grace);
    await child.status;
    await drained;
    await errors;
    await Deno.remove(dataDir, { recursive: true });
  };
  if (url === undefined) {
    await stop();
    throw new Error(`serve did not say where it listens: ${said}${stderr}`);
  }
  return {
    url,
    pid: child.pid,
    dataDir,
    peakMiB: async () => Math.round((await vmHwmKiB(child.pid) ?? 0) / 1024),
    stderr: () => stderr,
    [Symbol.asyncDispose]: stop,
  };
}
