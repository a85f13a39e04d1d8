// Messages the user wrote that the server has not confirmed yet, kept in localStorage so a
// reload or a lost connection loses none. They go out one at a time, oldest first, each under
// its own clientMsgId: the server stores a clientMsgId once, so a send repeated after an answer
// that never arrived cannot make a second message.
import type { Message } from './api-types';

export interface OutboxEntry {
  clientMsgId: string;
  channelId: string;
  content: string;
  /** Uploads the message carries (already on the server; only their ids wait here). */
  attachmentIds?: string[];
  createdAt: string;
}

export interface OutboxOptions {
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** The storage key: one outbox per user. */
  key: string;
  send: (entry: OutboxEntry) => Promise<Message>;
  /** Whether a send is worth trying now (the connection is up). */
  canSend: () => boolean;
  /** A failure the server will repeat (a 4xx): the entry leaves the outbox as failed. */
  isPermanent: (error: unknown) => boolean;
  onSent: (entry: OutboxEntry, message: Message) => void;
  onFailed: (entry: OutboxEntry, error: unknown) => void;
}

function read(storage: OutboxOptions['storage'], key: string): OutboxEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
  } catch {
    return [];
  }
}

export function createOutbox(options: OutboxOptions) {
  const { storage, key } = options;
  const save = (entries: OutboxEntry[]) => storage.setItem(key, JSON.stringify(entries));
  let flushing: Promise<void> | null = null;
  let again = false;

  const remove = (clientMsgId: string) =>
    save(read(storage, key).filter((entry) => entry.clientMsgId !== clientMsgId));

  /** Sends the oldest entry until none is left, one fails for now, or the connection is down. */
  const drain = async () => {
    for (;;) {
      const [next] = read(storage, key);
      if (!next || !options.canSend()) return;
      try {
        const message = await options.send(next);
        remove(next.clientMsgId);
        options.onSent(next, message);
      } catch (error) {
        if (!options.isPermanent(error)) return; // kept, in its place, for the next flush
        remove(next.clientMsgId);
        options.onFailed(next, error);
      }
    }
  };

  const flush = (): Promise<void> => {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      do {
        again = false;
        await drain();
      } while (again && options.canSend());
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  return {
    entries: () => read(storage, key),
    /** Adds a message at the end, once per clientMsgId (flush sends it). */
    add(entry: OutboxEntry) {
      const entries = read(storage, key);
      if (!entries.some((held) => held.clientMsgId === entry.clientMsgId))
        save([...entries, entry]);
    },
    discard: remove,
    flush,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
