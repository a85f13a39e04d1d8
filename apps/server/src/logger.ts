// The process's one logger (pino's JSON lines on stdout: Fastify and the runtime log through the
// same instance; nothing else in the server writes to the console). Secrets never reach the log
// (access tokens travel in the /ws URL, passwords and refresh tokens in bodies), and faults a
// client causes are not errors of ours.
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Config } from './env.js';

export type { Logger };

/** Query parameters and fields whose values are secrets. */
const secretName = /token|password|secret|key|auth|code|session|cookie|signature/i;

const censor = '[REDACTED]';

/** `url` with the value of every secret-looking query parameter replaced. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      let name = pair.slice(0, equals);
      try {
        name = decodeURIComponent(name);
      } catch {
        // a malformed name is still a name; compare it as it came
      }
      return secretName.test(name) ? `${pair.slice(0, equals)}=${censor}` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}

const secretFields = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'jwtSecret',
  'authorization',
  'cookie',
];

/** Where pino blanks secrets in whatever object a log line carries (one or two levels deep). */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...secretFields,
  ...secretFields.map((field) => `*.${field}`),
];

/** Fastify's own request fields, with the URL's secrets blanked. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}

export function loggerOptions(
  level: string,
  extra: Exclude<FastifyServerOptions['logger'], boolean | undefined> = {},
): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: redactPaths, censor },
    serializers: { req: serializeRequest },
    ...extra,
  };
}

/** The process's logger, with the same redaction as Fastify's options. */
export const createLogger = (level: Config['logLevel'] = 'info'): Logger =>
  pino({ level, redact: { paths: redactPaths, censor }, serializers: { req: serializeRequest } });

/**
 * A WebSocket failing because of what the peer sent or did (a frame over the size limit,
 * invalid UTF-8, a bad close code, a reset connection): worth a debug line, never an error.
 */
export function isClientFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('WS_ERR_') || code === 'ECONNRESET' || code === 'EPIPE')
  );
}
