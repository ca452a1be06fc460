/**
 * The names the Agnes wire contract fixes: endpoints, headers, and the upload
 * file names the server accepts. Shared by the client and the receiver.
 *
 * @module
 */

/** The endpoints. */
export const ENDPOINTS = {
  health: "/api/health",
  uploadSession: "/api/upload/sessions",
  uploadLocalMd: "/api/upload/local-md",
} as const;

/** The upload file name the server accepts: `^[A-Za-z0-9._-]{1,200}$`. */
export const UPLOAD_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** The capability a server advertises in `X-Agnes-Accepts` when it takes gzip uploads. */
export const GZIP_CAPABILITY = "session-gzip";
