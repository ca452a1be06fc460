/**
 * The state one push run carries from step to step: one explicit value, so
 * each step of the pipeline is a plain function of it.
 *
 * @module
 */

import { ConfigurationError } from "../config/configuration_error.ts";
import { CircuitBreaker } from "../http/outcome.ts";
import type { FailedRow } from "../store/failed_log.ts";
import type { PrivateSkippedRow } from "../store/log_file.ts";
import { readPrivateList } from "../store/private_list.ts";
import type { QueueEntry } from "../store/queue_entry.ts";
import { removeStaleTemps } from "../store/stale_temps.ts";
import type { AppendFile } from "../fs/append_lines.ts";
import { SharedUploads } from "../store/shared_uploads.ts";
import { UploadLedger } from "../store/upload_ledger.ts";
import type { PushOptions } from "./options.ts";
import { UploadPathChecker } from "./path_safety.ts";
import { emptyReport, type PushReport } from "./report.ts";

/** A push run in progress. */
export interface PushRun {
  /** What the push was told. */
  readonly options: PushOptions;
  /** The clock. */
  readonly now: () => Date;
  /** The report being built. */
  readonly report: PushReport;
  /** Session ids on the private list, read once at the start. */
  readonly privateIds: ReadonlySet<string>;
  /** Stops sending after a 401 or a run of transient failures. */
  readonly breaker: CircuitBreaker;
  /** Whether uploads are gzipped (decided once the server has answered). */
  gzip: boolean;
  /** What was already sent to this server. */
  readonly ledger: UploadLedger;
  /** What the Python tool sent, when this push goes to its server. */
  readonly shared: SharedUploads | undefined;
  /** What may be uploaded, folder real paths remembered for the run. */
  readonly paths: UploadPathChecker;
  /** Rows for the failed log. */
  readonly failures: FailedRow[];
  /** Rows for the private-skipped log. */
  readonly privateSkips: PrivateSkippedRow[];
  /** Entries to put back on the queue. */
  readonly requeue: QueueEntry[];
  /** Why entries were requeued. */
  readonly requeueReasons: Set<string>;
  /** The uploaded log, opened before the first upload and kept open for the run. */
  uploadedLog: AppendFile | undefined;
}

/**
 * Starts a run: sweeps up temp files a killed writer left behind, and reads
 * the private list once. Nothing is uploaded when privacy is unknown.
 *
 * @throws {ConfigurationError} when the private list cannot be read.
 */
export async function startRun(options: PushOptions): Promise<PushRun> {
  removeStaleTemps(options.workspace);
  let privateIds: Set<string>;
  try {
    privateIds = await readPrivateList(options.workspace);
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the private list: ${(error as Error).message}; nothing was uploaded`,
    );
  }
  return {
    options,
    now: options.now ?? (() => new Date()),
    report: emptyReport(),
    privateIds,
    breaker: new CircuitBreaker(options.breakerThreshold ?? 5),
    gzip: false,
    ledger: new UploadLedger(options.workspace, options.client.server),
    shared: await readSharedUploads(options),
    paths: new UploadPathChecker(options.allowedRoots),
    failures: [],
    privateSkips: [],
    requeue: [],
    requeueReasons: new Set(),
    uploadedLog: undefined,
  };
}

/**
 * The Python tool's uploads, when this push goes to its server (read once,
 * from where the last push stopped reading).
 *
 * @throws {ConfigurationError} when the uploaded log cannot be read: what
 * was sent is unknown.
 */
async function readSharedUploads(options: PushOptions): Promise<SharedUploads | undefined> {
  const server = options.client.server;
  if (options.sharedServer?.replace(/\/+$/, "") !== server.replace(/\/+$/, "")) return undefined;
  try {
    return await SharedUploads.read(options.workspace, server, { persist: true });
  } catch (error) {
    throw new ConfigurationError(`${(error as Error).message}; nothing was uploaded`);
  }
}

/**
 * Ends a run, however it went: closes the files it keeps open (the uploaded
 * log, the ledger's shards). Nothing is synced here: the record step did that.
 */
export function endRun(run: PushRun): Promise<void> {
  run.ledger.close();
  run.uploadedLog?.close();
  return Promise.resolve();
}
