// Pins: any member pins or unpins a message of their channel (idempotent); the pins list shows
// a channel's pinned messages, newest pin first.
import { schema } from '@chat/db';
import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { limits, type PinInput } from '../schemas/index.js';
import { visibleChannel } from './access.js';
import type { Actor, ServiceDeps } from './deps.js';
import { withExtras } from './message-extras.js';
import { selectMessages, toMessage } from './messages.js';
import { memberMessage } from './reactions.js';
import type { Message } from './views.js';

const { messages } = schema;

export async function setPin(deps: ServiceDeps, actor: Actor, input: PinInput): Promise<Message> {
  const message = await memberMessage(deps, actor, input.messageId);
  const pin = input.op === 'add';
  const changed = await deps.db
    .update(messages)
    .set(
      pin ? { pinnedAt: sql`now()`, pinnedBy: actor.userId } : { pinnedAt: null, pinnedBy: null },
    )
    .where(
      and(
        eq(messages.id, input.messageId),
        pin ? isNull(messages.pinnedAt) : isNotNull(messages.pinnedAt),
      ),
    )
    .returning({ pinnedAt: messages.pinnedAt });
  const [row] = changed;
  if (!row) return message; // already as asked
  await deps.events.publish({
    type: 'pin',
    channelId: message.channelId,
    messageId: message.id,
    userId: actor.userId,
    op: input.op,
  });
  return { ...message, pinnedAt: row.pinnedAt ? row.pinnedAt.toISOString() : null };
}

/** The channel's pinned messages (not deleted ones), newest pin first; at most a page's worth. */
export async function listPins(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<{ items: Message[] }> {
  await visibleChannel(deps.db, actor, channelId);
  const rows = await selectMessages(deps.db)
    .where(
      and(
        eq(messages.channelId, channelId),
        isNotNull(messages.pinnedAt),
        isNull(messages.deletedAt),
      ),
    )
    .orderBy(desc(messages.pinnedAt), desc(messages.seq))
    .limit(limits.pageSize);
  return { items: await withExtras(deps.db, deps.files.urls, rows.map(toMessage)) };
}
