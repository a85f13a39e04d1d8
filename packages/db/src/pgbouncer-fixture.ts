// A real PgBouncer (Debian's `pgbouncer`, which .ci/run installs) in transaction mode, started by
// a test on a free port in front of a PostgreSQL server, as managed services put their pooler in
// front of the database. Prepared statements are not supported in it (PgBouncer ≤ 1.20 cannot,
// later ones only with max_prepared_statements), just like Supabase's transaction pooler.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const pgbouncerBinary = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) =>
  existsSync(path),
);

export interface PgBouncer {
  /** `upstreamUrl` with its host and port replaced by the pooler's: same database and user. */
  url(upstreamUrl: string): string;
  port: number;
  /** Everything PgBouncer logged (connections, logins), to see what went through it. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts PgBouncer in front of the server of `upstreamUrl`, for every database on it. */
export async function startPgBouncer(upstreamUrl: string): Promise<PgBouncer> {
  if (!pgbouncerBinary) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
  const upstream = new URL(upstreamUrl);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const dir = mkdtempSync(join(tmpdir(), 'chat-pgbouncer-'));
  // PgBouncer refuses to run as root: then it runs as the owner of PostgreSQL's files
  const runAs = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        // from 1.21 PgBouncer can track prepared statements; keep it off, as in Supabase's pooler
        ...(supportsPreparedStatements() ? ['max_prepared_statements = 0'] : []),
        'default_pool_size = 20',
        'max_client_conn = 500',
        'ignore_startup_parameters = extra_float_digits,options',
        '',
      ].join('\n'),
    );
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
    const child = spawn(pgbouncerBinary, [join(dir, 'pgbouncer.ini')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAs ?? {}),
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = await listening(child, () => output, port);
    if (started) {
      return {
        port,
        url: (databaseUrl) => {
          const url = new URL(databaseUrl);
          url.hostname = '127.0.0.1';
          url.port = String(port);
          return url.toString();
        },
        log: () => output,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    // the port was taken between our probe and PgBouncer's bind: try another
    if (attempt < 3 && /Address already in use/i.test(output)) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pgbouncer did not start:\n${output}`);
  }
}

/** Resolves true once PgBouncer logs that it listens on `port`, false if it exits first. */
function listening(child: ChildProcess, output: () => string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = Date.now() + 20_000;
    const timer = setInterval(() => {
      if (output().includes(`listening on 127.0.0.1:${port}`)) done(true);
      else if (child.exitCode !== null || Date.now() > deadline) done(false);
    }, 50);
    const done = (ok: boolean) => {
      clearInterval(timer);
      resolve(ok);
    };
    child.once('error', () => done(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
}

function supportsPreparedStatements(): boolean {
  if (!pgbouncerBinary) return false;
  const version = /PgBouncer (\d+)\.(\d+)/.exec(
    execFileSync(pgbouncerBinary, ['--version'], { encoding: 'utf8' }),
  );
  return Number(version?.[1]) > 1 || (Number(version?.[1]) === 1 && Number(version?.[2]) >= 21);
}

function systemUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
