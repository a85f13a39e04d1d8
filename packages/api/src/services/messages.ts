import { schema, type Queryable } from '@chat/db';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { AppError, badRequest, forbidden, notFound } from '../errors.js';
import type { EditMessageInput, HistoryInput, MarkReadInput } from '../schemas/index.js';
import { limits } from '../schemas/common.js';
import { memberChannel, visibleChannel } from './access.js';
import { checkAttachments } from './attachments.js';
import { detachFilesOf, removeBytes } from './file-cleanup.js';
import type { FileUrlConfig } from './file-urls.js';
import type { SendInput } from './send-batch.js';
import { threadRootOf } from './thread-roots.js';
import type { Actor, ServiceDeps } from './deps.js';
import { withExtras, withExtrasOne } from './message-extras.js';
import { readHistory, type History } from './message-page.js';
import { selectMessages, toMessage } from './message-rows.js';
import type { Message } from './views.js';

export { messageColumns, selectMessages, toMessage, type MessageRow } from './message-rows.js';
export { readHistory, type History } from './message-page.js';

const { channels, channelMembers, messages } = schema;

export async function findMessage(
  q: Queryable,
  urls: FileUrlConfig,
  where: SQL,
): Promise<Message | undefined> {
  const [row] = await selectMessages(q).where(where);
  return row && withExtrasOne(q, urls, toMessage(row));
}

export type { WebhookAuthor } from './send-batch.js';

export interface SendResult {
  message: Message;
  /** false when the clientMsgId was already used: the message is the first one sent with it. */
  created: boolean;
}

/**
 * Stores a message with the next seq of its channel, through the group commit (`deps.sends`):
 * concurrent sends share one transaction, each channel's counter moving once for all of its
 * messages of the batch, so seqs are 1, 2, 3… with no gap. A send repeated with its clientMsgId
 * gets the first message, published again: the first send may have been committed by an
 * instance that died before publishing it (a second copy is harmless, feeds drop a seq they
 * already have).
 */
export async function sendMessage(
  deps: ServiceDeps,
  actor: Actor,
  // `webhook` is set only by the webhook service: no transport's schema lets a client send it
  input: SendInput,
): Promise<SendResult> {
  validateSend(input);
  // per message, before the batch: a reply joins it with its thread's root as parentId, and
  // the files it carries are checked (the batch claims them in its transaction)
  const parentId =
    input.parentId === undefined
      ? undefined
      : await threadRootOf(deps.db, actor, input.channelId, input.parentId);
  if (input.attachmentIds?.length) await checkAttachments(deps.db, actor, input.attachmentIds);
  const outcome = await deps.sends.send({ actor, input: { ...input, parentId } });
  if (!outcome.ok) throw outcome.error;
  return { message: outcome.message, created: outcome.created };
}

/** What can be told of a send alone, before it joins a batch (the batch checks membership). */
function validateSend(input: SendInput) {
  const length = input.content.trim().length;
  // empty is fine for a message that carries files
  if ((length === 0 && !input.attachmentIds?.length) || length > limits.messageLength)
    throw badRequest('Invalid input', [
      {
        path: 'content',
        message: `must have 1 to ${limits.messageLength} characters (or be empty, with attachments)`,
      },
    ]);
}

/** Messages by id as readers see them (the group commit answers repeated clientMsgIds with it). */
export async function messagesByIds(
  q: Queryable,
  urls: FileUrlConfig,
  ids: string[],
): Promise<Map<string, Message>> {
  const rows = await selectMessages(q).where(inArray(messages.id, ids));
  const found = await withExtras(q, urls, rows.map(toMessage));
  return new Map(found.map((message) => [message.id, message]));
}

/**
 * A page of a channel's messages, ascending by seq: the newest `limit` (no cursor), the newest
 * below `before`, or the oldest above `after`. `hasMore` tells whether more lie beyond, in the
 * direction the page was read.
 */
export async function history(
  deps: ServiceDeps,
  actor: Actor,
  input: HistoryInput,
): Promise<History> {
  await visibleChannel(deps.db, actor, input.channelId);
  return readHistory(deps.db, deps.files.urls, input);
}

/** The seq of the newest message of a channel (0 for none yet). */
export async function channelLastSeq(q: Queryable, channelId: string): Promise<number> {
  const [row] = await q
    .select({ lastSeq: channels.lastSeq })
    .from(channels)
    .where(eq(channels.id, channelId));
  return row?.lastSeq ?? 0;
}

/** The message if the actor can see its channel; NOT_FOUND otherwise. */
export async function visibleMessage(deps: ServiceDeps, actor: Actor, messageId: string) {
  const message = await findMessage(deps.db, deps.files.urls, eq(messages.id, messageId));
  if (!message) throw notFound('Message');
  // a channel the actor cannot see hides its messages; any other failure (a 503) stays itself
  const access = await visibleChannel(deps.db, actor, message.channelId).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'NOT_FOUND' ? notFound('Message') : error;
  });
  return { message, channel: access.channel, isMember: access.isMember };
}

export async function editMessage(
  deps: ServiceDeps,
  actor: Actor,
  input: EditMessageInput,
): Promise<Message> {
  const { message } = await visibleMessage(deps, actor, input.messageId);
  if (message.deleted) throw notFound('Message');
  if (message.userId !== actor.userId) throw forbidden('Only the author can edit a message');
  await deps.db
    .update(messages)
    .set({ content: input.content, editedAt: sql`now()` })
    .where(eq(messages.id, input.messageId));
  const updated = await findMessage(deps.db, deps.files.urls, eq(messages.id, input.messageId));
  if (!updated) throw notFound('Message');
  await deps.events.publish({
    type: 'message_updated',
    channelId: updated.channelId,
    message: updated,
  });
  return updated;
}

/**
 * Deletes for everyone (author, or the channel's creator; in a DM only the author, as whoever
 * opened it first is no moderator). The seq stays, the content goes.
 */
export async function deleteMessage(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
): Promise<void> {
  const { message, channel } = await visibleMessage(deps, actor, messageId);
  const moderates = channel.kind === 'channel' && channel.createdBy === actor.userId;
  if (message.userId !== actor.userId && !moderates) {
    throw forbidden('Only the author or the channel creator can delete a message');
  }
  if (message.deleted) return;
  // its files go with it: their rows in the same transaction, their bytes once it committed
  const fileKeys = await deps.db.transaction(async (tx) => {
    await tx
      .update(messages)
      .set({ content: '', deletedAt: sql`now()` })
      .where(eq(messages.id, messageId));
    return detachFilesOf(tx, [messageId]);
  });
  await removeBytes(deps.files.storage, fileKeys);
  const deleted = await findMessage(deps.db, deps.files.urls, eq(messages.id, messageId));
  if (deleted)
    await deps.events.publish({
      type: 'message_deleted',
      channelId: deleted.channelId,
      message: deleted,
    });
}

/** Moves the actor's read mark forward (never back, never past the last message). */
export async function markRead(
  deps: ServiceDeps,
  actor: Actor,
  input: MarkReadInput,
): Promise<{ lastReadSeq: number }> {
  const channel = await memberChannel(deps.db, actor, input.channelId);
  const target = Math.min(input.seq, channel.lastSeq);
  const [row] = await deps.db
    .update(channelMembers)
    .set({ lastReadSeq: sql`greatest(${channelMembers.lastReadSeq}, ${target})` })
    .where(
      and(eq(channelMembers.channelId, input.channelId), eq(channelMembers.userId, actor.userId)),
    )
    .returning({ lastReadSeq: channelMembers.lastReadSeq });
  if (!row) throw forbidden('Join the channel first');
  await deps.events.publish({
    type: 'read',
    channelId: input.channelId,
    userId: actor.userId,
    seq: row.lastReadSeq,
  });
  return row;
}
