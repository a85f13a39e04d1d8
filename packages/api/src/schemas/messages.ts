// Request bodies and queries are defined alone (REST takes the channel or message id from the
// path), and the service inputs add that id: one definition for every transport.
import { z } from 'zod';
import { limits, pageLimit, queryBoolean, querySeq, seq, text, uuid } from './common.js';

export const messageContent = text().trim().min(1).max(limits.messageLength);
/** What a send may carry: empty only with attachments (the service checks that, for every transport). */
export const sendContent = text().trim().max(limits.messageLength);
export const clientMsgId = text().min(1).max(128);

export const sendMessageBody = z.object({
  content: sendContent,
  clientMsgId: clientMsgId.optional(),
  /** Files uploaded before (POST /api/files) to attach to the message. */
  attachmentIds: z.array(uuid).max(10).optional(),
  /** Posts the message as a reply in the thread of this message (or of its root). */
  parentId: uuid.optional(),
});
export const sendMessageInput = sendMessageBody.extend({ channelId: uuid });
export type SendMessageInput = z.infer<typeof sendMessageInput>;

const historyCursor = z.object({
  limit: pageLimit,
  before: querySeq.optional(),
  after: querySeq.optional(),
  /** Leaves thread replies out. */
  topLevel: queryBoolean.optional(),
});
const oneCursor = (input: { before?: number | undefined; after?: number | undefined }) =>
  input.before === undefined || input.after === undefined;
const oneCursorIssue = { message: 'use at most one of before and after', path: ['before'] };

export const historyQuery = historyCursor.refine(oneCursor, oneCursorIssue);
export const historyInput = historyCursor
  .extend({ channelId: uuid })
  .refine(oneCursor, oneCursorIssue);
export type HistoryInput = z.infer<typeof historyInput>;

export const messageIdInput = z.object({ messageId: uuid });

export const threadQuery = z.object({ limit: pageLimit, after: querySeq.optional() });
export const threadInput = threadQuery.extend({ messageId: uuid });
export type ThreadInput = z.infer<typeof threadInput>;

export const editMessageBody = z.object({ content: messageContent });
export const editMessageInput = editMessageBody.extend({ messageId: uuid });
export type EditMessageInput = z.infer<typeof editMessageInput>;

export const markReadBody = z.object({ seq });
export const markReadInput = markReadBody.extend({ channelId: uuid });
export type MarkReadInput = z.infer<typeof markReadInput>;
