// Files on messages: checking and claiming a send's attachmentIds (`message-extras` reads them).
import { schema, type Queryable } from '@chat/db';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { badRequest } from '../errors.js';
import type { Actor } from './deps.js';
import { signedFileUrl, type FileUrlConfig } from './file-urls.js';
import type { Attachment } from './views.js';

const { files } = schema;

export type FileRow = typeof files.$inferSelect;

export const maxAttachments = 10;

export function toAttachment(
  urls: FileUrlConfig,
  row: Pick<FileRow, 'id' | 'name' | 'size' | 'contentType'>,
): Attachment {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    contentType: row.contentType,
    url: signedFileUrl(urls, row.id),
  };
}

const notYours = () =>
  badRequest('Invalid attachments', [
    {
      path: 'attachmentIds',
      message: `must be at most ${maxAttachments} different files you uploaded and have not attached yet`,
    },
  ]);

/** BAD_REQUEST unless every id is a different file of the actor's that is not attached yet. */
export async function checkAttachments(
  q: Queryable,
  actor: Actor,
  fileIds: readonly string[],
): Promise<void> {
  if (fileIds.length === 0) return;
  if (fileIds.length > maxAttachments || new Set(fileIds).size !== fileIds.length) throw notYours();
  const rows = await q
    .select({ id: files.id })
    .from(files)
    .where(
      and(
        inArray(files.id, [...fileIds]),
        eq(files.uploaderId, actor.userId),
        isNull(files.messageId),
      ),
    );
  if (rows.length !== fileIds.length) throw notYours();
}

export interface AttachmentClaim {
  messageId: string;
  uploaderId: string;
  fileIds: readonly string[];
}

/**
 * Attaches files to the messages just inserted, in the caller's transaction: one statement for
 * any number of messages. A file taken meanwhile (another send claimed it first) throws
 * BAD_REQUEST, which rolls the transaction back. Returns each message's files in upload order
 * (the order readers get them in).
 */
export async function claimAttachments(
  tx: Queryable,
  claims: readonly AttachmentClaim[],
): Promise<Map<string, FileRow[]>> {
  const wanted = claims.flatMap((claim) => claim.fileIds.map((fileId) => ({ ...claim, fileId })));
  const byMessage = new Map<string, FileRow[]>(claims.map((claim) => [claim.messageId, []]));
  if (wanted.length === 0) return byMessage;
  const claimedBy = sql.join(
    wanted.map((w) => sql`(${w.fileId}::uuid, ${w.uploaderId}::uuid)`),
    sql`, `,
  );
  const messageOf = sql.join(
    wanted.map((w) => sql`when ${w.fileId}::uuid then ${w.messageId}::uuid`),
    sql` `,
  );
  const claimed = await tx
    .update(files)
    .set({ messageId: sql`case ${files.id} ${messageOf} end` })
    .where(and(sql`(${files.id}, ${files.uploaderId}) in (${claimedBy})`, isNull(files.messageId)))
    .returning();
  if (claimed.length !== wanted.length) throw notYours();
  for (const row of claimed.sort(byUploadOrder)) {
    if (row.messageId) byMessage.get(row.messageId)?.push(row);
  }
  return byMessage;
}

const byUploadOrder = (a: FileRow, b: FileRow) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
