// The one file that reads process.env: every setting, validated at start with a clear message.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Decimal digits only: Number() would also take ' ' (as 0, a random port), '0x10' or '1e3'.
const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .pipe(z.number().max(65535, 'must be a whole number from 0 to 65535'));

/** A URL of one of `schemes` with a `//` authority: `postgres:db` is no server address. */
const urlOf = (schemes: string[], message: string) =>
  z.string().refine((value) => {
    const scheme = schemes.find((s) => value.startsWith(`${s}://`));
    return scheme !== undefined && URL.canParse(value);
  }, message);

/** An IPv4 or IPv6 address, or a CIDR range of either. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** Off (`false`, `0`), a hop count, or a comma list of proxy addresses or CIDR ranges. */
const trustProxy = z.string().transform((value, ctx) => {
  if (value === 'false' || value === '0') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every(isAddressOrRange)) return entries;
  ctx.addIssue({
    code: 'custom',
    message: 'must be a hop count, or a comma list of addresses or CIDR ranges',
  });
  return z.NEVER;
});

/** `POINTS/SECONDS`: that many requests per user in each window of that many seconds. */
const rateLimit = z
  .string()
  .regex(/^[1-9]\d{0,6}\/[1-9]\d{0,4}$/, 'must be REQUESTS/SECONDS, both at least 1, e.g. 30/2')
  .transform((value) => {
    const [points = 1, durationSeconds = 1] = value.split('/').map(Number);
    return { points, durationSeconds };
  });

/** A whole number of attempts in each minute. */
const perMinute = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'must be a whole number of attempts per minute, at least 1')
  .transform(Number);

const envSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).optional(),
    DATABASE_URL: urlOf(['postgres', 'postgresql'], 'must be a postgres:// URL').optional(),
    REDIS_URL: urlOf(['redis', 'rediss'], 'must be a redis:// URL').optional(),
    // managed services: a transaction-mode pooler in front of DATABASE_URL, a direct URL beside it
    DATABASE_POOLER: z
      .enum(['transaction'], 'must be `transaction` (or unset for a direct connection)')
      .optional(),
    DATABASE_MIGRATION_URL: urlOf(
      ['postgres', 'postgresql'],
      'must be a postgres:// URL',
    ).optional(),
    JWT_SECRET: z
      .string()
      .refine((s) => Buffer.byteLength(s) >= 32, 'must be at least 32 bytes long')
      .optional(),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    REDIS_KEY_PREFIX: z.string().max(64).default('chat:'),
    PRESENCE_TTL_SECONDS: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of seconds')
      .transform(Number)
      .pipe(z.number().min(1).max(3600))
      .default(30),
    TRUST_PROXY: trustProxy.optional(),
    // as /ws lets a socket send frames: bursts of 30, 15 a second on average
    WRITE_RATE_LIMIT: rateLimit.default({ points: 30, durationSeconds: 2 }),
    // Uploads: on the local disk under DATA_DIR, or in an S3-compatible bucket when S3_BUCKET is set
    MAX_UPLOAD_BYTES: z
      .string()
      .regex(/^\d{1,12}$/, 'must be a whole number of bytes')
      .transform(Number)
      .pipe(z.number().min(1))
      .default(10 * 1024 * 1024),
    S3_ENDPOINT: urlOf(['http', 'https'], 'must be an http(s):// URL').optional(),
    S3_BUCKET: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    // frames per /ws connection: bursts of POINTS, POINTS/SECONDS a second after that
    WS_RATE_LIMIT: rateLimit.default({ points: 30, durationSeconds: 2 }),
    // sign-in, registration and refresh attempts per minute, per client address / per account
    AUTH_RATE_LIMIT_PER_IP: perMinute.default(30),
    AUTH_RATE_LIMIT_PER_ACCOUNT: perMinute.default(10),
    // Operations
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters long').optional(),
    DEBUG_HEAP_ENDPOINT: z.enum(['true', 'false'], 'must be true or false').default('false'),
  })
  .refine((env) => !env.S3_ENDPOINT || env.S3_BUCKET, {
    message: 'is required when S3_ENDPOINT is set',
    path: ['S3_BUCKET'],
  })
  .refine((env) => !env.S3_ACCESS_KEY_ID === !env.S3_SECRET_ACCESS_KEY, {
    message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together, or neither',
    path: ['S3_SECRET_ACCESS_KEY'],
  })
  .refine((env) => !env.DATABASE_URL || env.JWT_SECRET, {
    message:
      'is required when DATABASE_URL is set (at least 32 random bytes, e.g. `openssl rand -base64 48`)',
    path: ['JWT_SECRET'],
  });

export interface Config {
  port: number;
  host: string;
  /** PGlite's files, the embedded JWT secret and uploads. */
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** `transaction` when DATABASE_URL leads to a transaction-mode pooler (PgBouncer, Supabase). */
  databasePooler: 'transaction' | undefined;
  /** A direct connection for migrations, beside a pooled DATABASE_URL. */
  databaseMigrationUrl: string | undefined;
  jwtSecret: string | undefined;
  logLevel: (typeof logLevels)[number];
  /** Put before every Redis key and channel, so deployments can share one Redis. */
  redisKeyPrefix: string;
  /** With Redis: how long after its last heartbeat an instance's users count as offline. */
  presenceTtlMs: number;
  /**
   * Fastify's `trustProxy`: how many proxies in front (a hop count), or which ones (addresses
   * or CIDR ranges); false takes the peer's address and ignores X-Forwarded-For.
   */
  trustProxy: false | number | string[];
  /** Writes per user over HTTP (REST writes and tRPC mutations), shared by all instances. */
  writeLimit: { points: number; durationSeconds: number };
  /** Frames a /ws connection may send at once, and per second after that. */
  wsRateLimit: { burst: number; perSecond: number };
  /** Sign-in, registration and refresh attempts per minute, per address and per account. */
  authRateLimit: { perIp: number; perAccount: number };
  /** The built web client, served at / when present. */
  webDist: string;
  /** When set, GET /metrics answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  /**
   * Serve GET /debug/heap: the process's memory after a full garbage collection (for `pnpm
   * bench`; a full collection pauses the process, so it is off by default).
   */
  debugHeapEndpoint: boolean;
  /** The largest upload accepted, in bytes. */
  maxUploadBytes: number;
  /** With S3_BUCKET: uploads go to that bucket instead of `<dataDir>/files`. */
  s3: S3Config | undefined;
}

export interface S3Config {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // an empty variable means "not set", as in most shells' `FOO= cmd`
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR ?? join(repoRoot, '.data')),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    databasePooler: e.DATABASE_POOLER,
    databaseMigrationUrl: e.DATABASE_MIGRATION_URL,
    jwtSecret: e.JWT_SECRET,
    logLevel: e.LOG_LEVEL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    presenceTtlMs: e.PRESENCE_TTL_SECONDS * 1000,
    trustProxy: e.TRUST_PROXY ?? false,
    writeLimit: e.WRITE_RATE_LIMIT,
    wsRateLimit: {
      burst: e.WS_RATE_LIMIT.points,
      perSecond: e.WS_RATE_LIMIT.points / e.WS_RATE_LIMIT.durationSeconds,
    },
    authRateLimit: {
      perIp: e.AUTH_RATE_LIMIT_PER_IP,
      perAccount: e.AUTH_RATE_LIMIT_PER_ACCOUNT,
    },
    webDist: join(repoRoot, 'apps/web/dist'),
    metricsToken: e.METRICS_TOKEN,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    s3: e.S3_BUCKET
      ? {
          endpoint: e.S3_ENDPOINT,
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          credentials:
            e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
              : undefined,
        }
      : undefined,
    debugHeapEndpoint: e.DEBUG_HEAP_ENDPOINT === 'true',
  };
}

/**
 * Reads `.env` into process.env when there is one: in the working directory, else at the
 * repository root (where `.env.example` is). Variables already set in the environment win.
 * Only entry points call it, before loadConfig; returns the file read.
 */
export function loadEnvFile(dirs: string[] = [process.cwd(), repoRoot]): string | undefined {
  const file = dirs.map((dir) => join(dir, '.env')).find((path) => existsSync(path));
  if (file) process.loadEnvFile(file);
  return file;
}

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}
