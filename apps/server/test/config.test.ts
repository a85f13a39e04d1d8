// loadConfig (src/env.ts): the defaults, and a wrong value stops the start naming its variable.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/env.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const secret = 'x'.repeat(32);

/** The ConfigError loadConfig throws for `env`, or a failure if it accepts it. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:3000, the embedded database in <repo>/.data and log level info', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: join(repoRoot, '.data'),
      databaseUrl: undefined,
      redisUrl: undefined,
      jwtSecret: undefined,
      logLevel: 'info',
      webDist: join(repoRoot, 'apps/web/dist'),
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/chat',
      DATABASE_URL: 'postgresql://chat:pw@db.internal:5432/chat',
      REDIS_URL: 'rediss://cache.internal:6380',
      JWT_SECRET: secret,
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/chat',
      databaseUrl: 'postgresql://chat:pw@db.internal:5432/chat',
      redisUrl: 'rediss://cache.internal:6380',
      jwtSecret: secret,
      logLevel: 'debug',
    });
  });

  it('accepts PORT=0 (any free port) and 65535', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    expect(loadConfig({ DATA_DIR: 'some/dir' }).dataDir).toBe(resolve('some/dir'));
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      DATA_DIR: '',
      DATABASE_URL: '',
      REDIS_URL: '',
      JWT_SECRET: '',
      LOG_LEVEL: '',
    });
    expect(config).toEqual(loadConfig({}));
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', NODE_ENV: 'production' })).toEqual(loadConfig({}));
  });

  it.each(['abc', '-1', '65536', '3.5', ' ', '0x10', '1e3', '80 '])(
    'rejects PORT=%j, naming PORT',
    (value) => {
      expect(configError({ PORT: value }).message).toMatch(/^\s*PORT: /m);
    },
  );

  it.each(['INFO', 'verbose', 'warning'])(
    'rejects LOG_LEVEL=%j, naming LOG_LEVEL and the levels',
    (value) => {
      const { message } = configError({ LOG_LEVEL: value });
      expect(message).toMatch(/^\s*LOG_LEVEL: /m);
      expect(message).toContain('"silent"');
    },
  );

  it.each(['not a url', 'mysql://db/chat', 'http://db/chat', 'postgres:chat'])(
    'rejects DATABASE_URL=%j, naming DATABASE_URL',
    (value) => {
      expect(configError({ DATABASE_URL: value, JWT_SECRET: secret }).message).toMatch(
        /^\s*DATABASE_URL: must be a postgres:\/\/ URL/m,
      );
    },
  );

  it('does not repeat a rejected DATABASE_URL, which may hold a password', () => {
    const url = 'mysql://chat:hunter2@db/chat';
    expect(configError({ DATABASE_URL: url, JWT_SECRET: secret }).message).not.toContain('hunter2');
  });

  it.each(['http://cache:6379', 'cache:6379'])(
    'rejects REDIS_URL=%j, naming REDIS_URL',
    (value) => {
      expect(configError({ REDIS_URL: value }).message).toMatch(
        /^\s*REDIS_URL: must be a redis:\/\/ URL/m,
      );
    },
  );

  it('requires JWT_SECRET with DATABASE_URL, empty counting as missing', () => {
    const required = /^\s*JWT_SECRET: is required when DATABASE_URL is set/m;
    expect(configError({ DATABASE_URL: 'postgres://db/chat' }).message).toMatch(required);
    expect(configError({ DATABASE_URL: 'postgres://db/chat', JWT_SECRET: '' }).message).toMatch(
      required,
    );
  });

  it('rejects a JWT_SECRET under 32 bytes, counting bytes rather than characters', () => {
    expect(configError({ JWT_SECRET: 'x'.repeat(31) }).message).toMatch(
      /^\s*JWT_SECRET: must be at least 32 bytes/m,
    );
    // 16 two-byte characters are 32 bytes
    expect(loadConfig({ JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toBe('é'.repeat(16));
  });

  it('names every wrong variable at once', () => {
    const { message } = configError({ PORT: 'eighty', LOG_LEVEL: 'loud', REDIS_URL: 'nope' });
    expect(message).toMatch(/^\s*PORT: /m);
    expect(message).toMatch(/^\s*LOG_LEVEL: /m);
    expect(message).toMatch(/^\s*REDIS_URL: /m);
  });
});
