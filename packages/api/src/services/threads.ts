// Reading a thread: its root and a page of its replies. (Replies are posted by sendMessage with
// a parentId; thread-roots.ts keeps the roots' counters.)
import { schema } from '@chat/db';
import { and, asc, eq, gt } from 'drizzle-orm';
import { notFound } from '../errors.js';
import type { ThreadInput } from '../schemas/index.js';
import type { Actor, ServiceDeps } from './deps.js';
import { withExtras } from './message-extras.js';
import { findMessage, selectMessages, toMessage, visibleMessage } from './messages.js';
import type { Message } from './views.js';

const { messages } = schema;

export interface Thread {
  root: Message;
  /** Replies ascending by seq: the oldest `limit`, or the oldest above `after`. */
  items: Message[];
  hasMore: boolean;
}

/**
 * The thread of a message (of its root, when it is a reply) if the actor can see its channel;
 * NOT_FOUND otherwise, as for any message of a private channel.
 */
export async function thread(deps: ServiceDeps, actor: Actor, input: ThreadInput): Promise<Thread> {
  const { message } = await visibleMessage(deps, actor, input.messageId);
  const root =
    message.parentId === null
      ? message
      : await findMessage(deps.db, deps.files.urls, eq(messages.id, message.parentId));
  if (!root) throw notFound('Message');
  const inThread = eq(messages.parentId, root.id);
  const rows = await selectMessages(deps.db)
    .where(input.after === undefined ? inThread : and(inThread, gt(messages.seq, input.after)))
    .orderBy(asc(messages.seq))
    .limit(input.limit + 1);
  return {
    root,
    items: await withExtras(deps.db, deps.files.urls, rows.slice(0, input.limit).map(toMessage)),
    hasMore: rows.length > input.limit,
  };
}
