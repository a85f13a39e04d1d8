import { describe, expect, it } from 'vitest';
import type { Message } from './api-types';
import { createOutbox, type OutboxEntry, type OutboxOptions } from './outbox';
import { isPermanentSendError } from './session-outbox';

const entry = (n: number, channelId = 'c1'): OutboxEntry => ({
  clientMsgId: `m${n}`,
  channelId,
  content: `message ${n}`,
  createdAt: new Date(2026, 0, 1, 12, n).toISOString(),
});

/** A fake server that stores each clientMsgId once, like the real one, and may be "down". */
function fakeServer() {
  const stored: OutboxEntry[] = [];
  const attempts: string[] = [];
  let up = true;
  let failWith: Error | null = null;
  return {
    stored,
    attempts,
    setUp: (value: boolean) => (up = value),
    failNextWith: (error: Error) => (failWith = error),
    send: async (sent: OutboxEntry): Promise<Message> => {
      attempts.push(sent.clientMsgId);
      await Promise.resolve();
      if (failWith) {
        const error = failWith;
        failWith = null;
        throw error;
      }
      if (!up) throw new TypeError('Failed to fetch');
      if (!stored.some((m) => m.clientMsgId === sent.clientMsgId)) stored.push(sent);
      const seq = stored.findIndex((m) => m.clientMsgId === sent.clientMsgId) + 1;
      return { seq, clientMsgId: sent.clientMsgId, content: sent.content } as Message;
    },
  };
}

function setup(overrides: Partial<OutboxOptions> = {}) {
  const server = fakeServer();
  const sent: string[] = [];
  const failed: string[] = [];
  let online = true;
  const options: OutboxOptions = {
    storage: window.localStorage,
    key: 'chat.outbox.test-user',
    send: server.send,
    canSend: () => online,
    isPermanent: isPermanentSendError,
    onSent: (item) => sent.push(item.clientMsgId),
    onFailed: (item) => failed.push(item.clientMsgId),
    ...overrides,
  };
  return {
    server,
    sent,
    failed,
    options,
    outbox: createOutbox(options),
    setOnline: (value: boolean) => (online = value),
  };
}

describe('the outbox', () => {
  it('holds what is written while offline, persisted, and sends it in order once back', async () => {
    const { outbox, server, sent, setOnline, options } = setup();
    setOnline(false);
    outbox.add(entry(1));
    outbox.add(entry(2, 'c2'));
    outbox.add(entry(3));
    await outbox.flush();
    expect(server.attempts).toEqual([]);

    // a reload in between: a new outbox on the same storage finds them
    const reloaded = createOutbox(options);
    expect(reloaded.entries().map((e) => e.clientMsgId)).toEqual(['m1', 'm2', 'm3']);

    setOnline(true);
    await reloaded.flush();
    expect(server.stored.map((m) => m.clientMsgId)).toEqual(['m1', 'm2', 'm3']);
    expect(sent).toEqual(['m1', 'm2', 'm3']);
    expect(reloaded.entries()).toEqual([]);
    expect(window.localStorage.getItem('chat.outbox.test-user')).toBe('[]');
  });

  it('keeps a message whose send failed on the network, in its place, and sends none twice', async () => {
    const { outbox, server, sent } = setup();
    outbox.add(entry(1));
    outbox.add(entry(2));
    server.setUp(false);
    await outbox.flush();
    expect(server.attempts).toEqual(['m1']);
    expect(outbox.entries().map((e) => e.clientMsgId)).toEqual(['m1', 'm2']);

    server.setUp(true);
    // flushes that overlap (reconnect and focus at once) send each message once
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()]);
    expect(server.attempts).toEqual(['m1', 'm1', 'm2']);
    expect(server.stored.map((m) => m.clientMsgId)).toEqual(['m1', 'm2']);
    expect(sent).toEqual(['m1', 'm2']);
  });

  it('adds a clientMsgId once however often it is added', () => {
    const { outbox } = setup();
    outbox.add(entry(1));
    outbox.add(entry(1));
    expect(outbox.entries()).toHaveLength(1);
  });

  it('lets a message the server refuses (a 4xx) go as failed, and carries on with the next', async () => {
    const { outbox, server, sent, failed } = setup();
    outbox.add(entry(1));
    outbox.add(entry(2));
    server.failNextWith(
      Object.assign(new Error('Channel not found'), { data: { httpStatus: 404 } }),
    );
    await outbox.flush();
    expect(failed).toEqual(['m1']);
    expect(sent).toEqual(['m2']);
    expect(outbox.entries()).toEqual([]);
  });

  it('treats a refused token, a rate limit and a server error as passing', () => {
    expect(isPermanentSendError({ data: { httpStatus: 400 } })).toBe(true);
    expect(isPermanentSendError({ data: { httpStatus: 403 } })).toBe(true);
    expect(isPermanentSendError({ data: { httpStatus: 429 } })).toBe(false);
    expect(isPermanentSendError({ data: { httpStatus: 503 } })).toBe(false);
    expect(isPermanentSendError(new TypeError('Failed to fetch'))).toBe(false);
  });

  it('starts empty on unreadable storage', () => {
    window.localStorage.setItem('chat.outbox.test-user', '{not json');
    expect(setup().outbox.entries()).toEqual([]);
  });
});
