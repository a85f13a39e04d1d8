// One group commit: the sends of a batch stored in one transaction. A send that may not be stored
// (unknown channel, not a member) gets its own error and the others go on; a repeated clientMsgId
// gets the first message. Every statement takes the whole batch, so a batch of 100 costs about
// what one message did.
import type { Database, Queryable } from '@chat/db';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { SendMessageInput } from '../schemas/index.js';
import { claimAttachments, toAttachment } from './attachments.js';
import type { Actor } from './deps.js';
import type { FileUrlConfig } from './file-urls.js';
import {
  checkSenders,
  storeMessages,
  type NewMessageRow,
  type StoredMessage,
} from './send-batch-sql.js';
import { countRepliesIntoRoots } from './thread-roots.js';
import type { Message } from './views.js';

/** How a message posted through an incoming webhook is shown (its author is the webhook's creator). */
export interface WebhookAuthor {
  webhookId: string;
  name: string;
  iconUrl: string | null;
}

export type SendInput = SendMessageInput & { webhook?: WebhookAuthor };

export interface PendingSend {
  actor: Actor;
  input: SendInput;
}

export type SendOutcome =
  | {
      ok: true;
      message: Message;
      /** false when the clientMsgId was already used: the message is the first one sent with it. */
      created: boolean;
      /** For a new reply: its thread's root, as the batch left it (announced as updated). */
      root?: Message;
    }
  | { ok: false; error: Error };

/** Finds messages by id as every reader sees them (for repeated clientMsgIds). */
export type MessageLookup = (
  q: Queryable,
  urls: FileUrlConfig,
  ids: string[],
) => Promise<Map<string, Message>>;

/**
 * Stores the batch in one transaction and answers one outcome per send, in the batch's order.
 * Throws when the transaction fails: then nothing of the batch was written. `onSeqs` is told
 * once the batch holds its channels' rows (their seqs are taken, the rows locked to the commit).
 */
export async function commitSendBatch(
  db: Database,
  sends: PendingSend[],
  lookup: MessageLookup,
  fileUrls: FileUrlConfig,
  onSeqs: () => void = () => {},
): Promise<SendOutcome[]> {
  return db.transaction(async (tx) => {
    const entries: Entry[] = sends.map((send) => ({ send, outcome: undefined }));
    const checks = new Map(
      (
        await checkSenders(
          tx,
          sends.map(({ actor, input }, i) => ({
            i,
            channelId: input.channelId,
            userId: actor.userId,
            clientMsgId: input.clientMsgId ?? null,
          })),
        )
      ).map((check) => [check.i, check]),
    );

    // Per send: may it be stored, and is it new? (Threads, attachments: check here too.)
    const previousIds = new Map<Entry, string>();
    const firstOfClientMsgId = new Map<string, Entry>();
    const duplicateOf = new Map<Entry, Entry>();
    const fresh: Entry[] = [];
    // a file two sends of the batch want goes to the first; the other is refused alone
    const wantedFiles = new Set<string>();
    entries.forEach((entry, i) => {
      const { actor, input } = entry.send;
      const check = checks.get(i);
      if (check?.previousId) return void previousIds.set(entry, check.previousId);
      if (input.clientMsgId !== undefined) {
        const key = `${actor.userId}\n${input.clientMsgId}`;
        const first = firstOfClientMsgId.get(key);
        if (first) return void duplicateOf.set(entry, first);
        firstOfClientMsgId.set(key, entry);
      }
      if (!check?.channelFound || (check.isPrivate && !check.isMember))
        entry.outcome = { ok: false, error: notFound('Channel') };
      else if (!check.isMember)
        entry.outcome = { ok: false, error: forbidden('Join the channel first') };
      else if ((input.attachmentIds ?? []).some((id) => wantedFiles.has(id)))
        entry.outcome = { ok: false, error: badRequest('Those files are attached already') };
      else {
        for (const id of input.attachmentIds ?? []) wantedFiles.add(id);
        fresh.push(entry);
      }
    });

    // One statement: each channel's counter moves once for all of its new messages, the
    // messages go in with the seqs that frees, and each sender's read mark moves up to them
    // (what you wrote yourself is read; what a webhook of yours posted is news to you too).
    const perChannel = new Map<string, number>();
    const rows: { entry: Entry; row: NewMessageRow }[] = fresh.map((entry) => {
      const { actor, input } = entry.send;
      const k = (perChannel.get(input.channelId) ?? 0) + 1;
      perChannel.set(input.channelId, k);
      return {
        entry,
        row: {
          channelId: input.channelId,
          k,
          userId: actor.userId,
          content: input.content,
          clientMsgId: input.clientMsgId ?? null,
          // sendMessage resolved it to the thread's root before the batch
          parentId: input.parentId ?? null,
          webhookId: input.webhook?.webhookId ?? null,
          authorName: input.webhook?.name ?? null,
          authorIconUrl: input.webhook?.iconUrl ?? null,
        },
      };
    });
    const inserted = rows.length
      ? await storeMessages(
          tx,
          [...perChannel].map(([channelId, n]) => ({ channelId, n })),
          rows.map(({ row }) => row),
        )
      : new Map<string, StoredMessage>();
    if (rows.length) onSeqs();
    const stored = rows.flatMap(({ entry, row }) => {
      const message = inserted.get(`${row.channelId}:${row.k}`);
      if (message) return [{ entry, row, message }];
      // deleted since the check: its counter did not move
      entry.outcome = { ok: false, error: notFound('Channel') };
      return [];
    });

    // Threads: every root of the batch's replies counts them in one statement, then is read
    // as it now stands, to be announced after the commit.
    const replyIds = stored.flatMap(({ row, message }) =>
      row.parentId === null ? [] : [message.id],
    );
    const rootIds = await countRepliesIntoRoots(tx, replyIds);
    const roots = rootIds.length ? await lookup(tx, fileUrls, rootIds) : new Map<string, Message>();
    // Attachments (checked per message before the batch): one claim for the whole batch; a file
    // taken meanwhile by another send refuses the batch (BAD_REQUEST), which then writes nothing.
    const claims = stored.flatMap(({ entry, message }) => {
      const fileIds = entry.send.input.attachmentIds ?? [];
      return fileIds.length
        ? [{ messageId: message.id, uploaderId: entry.send.actor.userId, fileIds }]
        : [];
    });
    const claimed = await claimAttachments(tx, claims);
    for (const { entry, row, message } of stored) {
      const root = row.parentId === null ? undefined : roots.get(row.parentId);
      const attachments = (claimed.get(message.id) ?? []).map((file) =>
        toAttachment(fileUrls, file),
      );
      entry.outcome = {
        ok: true,
        created: true,
        message: { ...newMessage(row, message, entry.send.actor), attachments },
        ...(root ? { root } : {}),
      };
    }

    // Repeated clientMsgIds: the first message, from before the batch or from within it.
    const previous = previousIds.size
      ? await lookup(tx, fileUrls, [...new Set(previousIds.values())])
      : new Map<string, Message>();
    for (const [entry, id] of previousIds) {
      const message = previous.get(id);
      entry.outcome = message
        ? { ok: true, created: false, message }
        : { ok: false, error: notFound('Message') };
    }
    for (const [entry, first] of duplicateOf)
      entry.outcome = first.outcome?.ok ? { ...first.outcome, created: false } : first.outcome;
    return entries.map(
      ({ outcome }) => outcome ?? { ok: false, error: new Error('send not decided') },
    );
  });
}

interface Entry {
  send: PendingSend;
  outcome: SendOutcome | undefined;
}

function newMessage(row: NewMessageRow, stored: StoredMessage, actor: Actor): Message {
  return {
    id: stored.id,
    channelId: row.channelId,
    seq: stored.seq,
    userId: row.userId,
    username: row.authorName ?? actor.username,
    content: row.content,
    createdAt: stored.createdAt,
    editedAt: null,
    deleted: false,
    clientMsgId: row.clientMsgId,
    parentId: row.parentId,
    replyCount: 0,
    lastReplyAt: null,
    replyUserIds: [],
    pinnedAt: null,
    reactions: [],
    reactionsVersion: 0,
    attachments: [],
    webhookId: row.webhookId,
    iconUrl: row.authorIconUrl,
  };
}
