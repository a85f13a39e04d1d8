// Short-lived signed download URLs (`/api/files/<id>?sig=…&exp=…`): an `<img>` or a link can
// fetch a file without a bearer token, so no token ever ends up in a URL or an access log.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface FileUrlConfig {
  /** The server's secret (the JWT secret): a signing key for URLs is derived from it. */
  secret: Uint8Array;
  /** How long a URL works; API.md's default is an hour. */
  ttlSeconds: number;
}

// Expiries are rounded up to this step, so one file's URL stays the same for a while and
// browsers can cache the image instead of fetching it again for every page that shows it.
const expiryStepSeconds = 300;

function signature(config: FileUrlConfig, fileId: string, exp: number): Buffer {
  // a key of its own, so a URL signature can never stand in for anything else signed
  const key = createHmac('sha256', config.secret).update('file-url/v1').digest();
  return createHmac('sha256', key).update(`${fileId}.${exp}`).digest();
}

export function signedFileUrl(config: FileUrlConfig, fileId: string, now = Date.now()): string {
  const earliest = Math.floor(now / 1000) + config.ttlSeconds;
  const exp = Math.ceil(earliest / expiryStepSeconds) * expiryStepSeconds;
  const sig = signature(config, fileId, exp).toString('base64url');
  return `/api/files/${fileId}?sig=${sig}&exp=${exp}`;
}

/** Whether `sig` signs this file until `exp` (Unix seconds) and `exp` has not passed. */
export function verifyFileSignature(
  config: FileUrlConfig,
  fileId: string,
  sig: string,
  exp: string,
  now = Date.now(),
): boolean {
  if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= now) return false;
  const expected = signature(config, fileId, Number(exp));
  const given = Buffer.from(sig, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
