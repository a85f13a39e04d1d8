#!/usr/bin/env node
// chat-admin: what an operator does from a shell, against the server's own database and from
// the server's own configuration (DATABASE_URL, or the embedded database in DATA_DIR, and
// REDIS_URL so that running servers hear of a deactivation at once). It calls the same
// services as the API. Results go to stdout as JSON; errors to stderr, with exit code 1.
import { parseArgs } from 'node:util';
import { accountsService, AppError, authService, schemas } from '@chat/api/server';
import { loadConfig } from '../env.js';
import { createRuntime, type Runtime } from '../runtime.js';

const usage = `Usage: chat-admin <command> [arguments]

  create-user <username> <email> [--password <password>]
  reset-password <user> [--password <password>]
  deactivate <user>        the user's tokens stop working at once and their connections close
  promote <user>           makes the user an admin
  export-channel <channel> the channel and its whole history as JSON

<user> is an id, a username or an email; <channel> an id or a name. Without --password the
password is read from stdin (so it stays out of the shell history and the process list).
The configuration is the server's: DATABASE_URL, or the embedded database in DATA_DIR (which
a running server holds locked: stop it first), and REDIS_URL.`;

class UsageError extends Error {}

interface Command {
  /** Commands that set a password get it checked before the database is opened. */
  takesPassword?: boolean;
  run(runtime: Runtime, args: string[], password: string): Promise<void>;
}

const commands: Record<string, Command> = {
  'create-user': {
    takesPassword: true,
    run: async (runtime, [username, email], password) => {
      const input = schemas.registerInput.safeParse({ username, email, password });
      if (!input.success) throw new UsageError(input.error.issues.map(describeIssue).join('; '));
      const row = await authService.createAccount(runtime.deps, input.data);
      print({ user: await accountsService.findAccount(runtime.deps, row.id) });
    },
  },
  'reset-password': {
    takesPassword: true,
    run: async (runtime, [user], password) => {
      if (!user) throw new UsageError('reset-password needs a user');
      print({ user: await accountsService.resetPassword(runtime.deps, user, password) });
    },
  },
  deactivate: {
    run: async (runtime, [user]) => {
      if (!user) throw new UsageError('deactivate needs a user');
      print({ user: await accountsService.deactivate(runtime.deps, user) });
    },
  },
  promote: {
    run: async (runtime, [user]) => {
      if (!user) throw new UsageError('promote needs a user');
      print({ user: await accountsService.setAdmin(runtime.deps, user, true) });
    },
  },
  'export-channel': {
    run: async (runtime, [channel]) => {
      if (!channel) throw new UsageError('export-channel needs a channel id or name');
      const exported = await accountsService.exportChannel(runtime.deps, channel);
      // Written message by message: a long history never sits in memory whole.
      await write(`{"channel":${JSON.stringify(exported.channel)},"messages":[`);
      let first = true;
      for await (const message of exported.messages) {
        await write(`${first ? '\n' : ',\n'}${JSON.stringify(message)}`);
        first = false;
      }
      await write(']}\n');
    },
  },
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseOptions(argv);
  const [name, ...args] = positionals;
  const command = name === undefined ? undefined : commands[name];
  if (values.help || !command) {
    process.stderr.write(`${name && !values.help ? `Unknown command: ${name}\n\n` : ''}${usage}\n`);
    return values.help ? 0 : 2;
  }
  let password = '';
  if (command.takesPassword) {
    password = values.password ?? (await readStdin());
    const checked = schemas.registerInput.shape.password.safeParse(password);
    if (!checked.success) throw new UsageError(`password: ${checked.error.issues[0]?.message}`);
  }
  const runtime = await createRuntime(loadConfig(), {
    log: (message, error) => process.stderr.write(`${message}: ${String(error)}\n`),
  });
  try {
    await command.run(runtime, args, password);
  } finally {
    await runtime.close();
  }
  return 0;
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { password: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

function print(result: unknown) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function write(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('give --password, or pipe the password to stdin');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

const describeIssue = (issue: { path: PropertyKey[]; message: string }) =>
  `${issue.path.map(String).join('.')}: ${issue.message}`;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // What an operator can act on is said in one line; anything else with its stack.
    const known =
      error instanceof AppError ||
      error instanceof UsageError ||
      (error instanceof Error && ['ConfigError', 'DataDirLockedError'].includes(error.name));
    const text = known ? error.message : error instanceof Error ? error.stack : error;
    process.stderr.write(`chat-admin: ${String(text)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
