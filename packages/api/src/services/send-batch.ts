// One group commit: the sends of a batch checked and stored in one statement, which commits by
// itself; a batch with replies or files also counts the replies into their roots and claims the
// files, all in one transaction. A send that may not be stored (unknown channel, not a member)
// gets its own error and the others go on; a repeated clientMsgId gets the first message. Every
// statement takes the whole batch, so a batch of 100 costs about what one message did.
import type { Database, Queryable } from '@chat/db';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { SendMessageInput } from '../schemas/index.js';
import { claimAttachments, toAttachment } from './attachments.js';
import type { Actor } from './deps.js';
import type { FileUrlConfig } from './file-urls.js';
import { checkAndStore, type SendRow, type StoredMessage } from './send-batch-sql.js';
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
 * Stores the batch and answers one outcome per send, in the batch's order. Throws when the
 * batch fails: then nothing of it was written. `onSeqs` is told once the batch holds its
 * channels' seqs (committed, or the rows locked to the commit).
 */
export async function commitSendBatch(
  db: Database,
  sends: PendingSend[],
  lookup: MessageLookup,
  fileUrls: FileUrlConfig,
  onSeqs: () => void = () => {},
): Promise<SendOutcome[]> {
  const plain = sends.every(
    ({ input }) => input.parentId === undefined && !input.attachmentIds?.length,
  );
  const store = (q: Queryable) => storeBatch(q, sends, lookup, fileUrls, onSeqs);
  const { entries, previousIds } = plain ? await store(db) : await db.transaction(store);

  // Repeated clientMsgIds: the first message, from before the batch or from within it.
  const previous = previousIds.size
    ? await lookup(db, fileUrls, [...new Set(previousIds.values())])
    : new Map<string, Message>();
  for (const [entry, id] of previousIds) {
    const message = previous.get(id);
    entry.outcome = message
      ? { ok: true, created: false, message }
      : { ok: false, error: notFound('Message') };
  }
  for (const entry of entries)
    if (entry.duplicateOf) {
      const first = entry.duplicateOf.outcome;
      entry.outcome = first?.ok ? { ...first, created: false } : first;
    }
  return entries.map(
    ({ outcome }) => outcome ?? { ok: false, error: new Error('send not decided') },
  );
}

async function storeBatch(
  q: Queryable,
  sends: PendingSend[],
  lookup: MessageLookup,
  fileUrls: FileUrlConfig,
  onSeqs: () => void,
): Promise<{ entries: Entry[]; previousIds: Map<Entry, string> }> {
  const entries: Entry[] = sends.map((send) => ({ send, outcome: undefined }));
  // Decided before the statement: a clientMsgId repeated within the batch goes with its first
  // send, and a file two sends want goes to the first (the other is refused alone).
  const firstOfClientMsgId = new Map<string, Entry>();
  const wantedFiles = new Set<string>();
  const candidates: { entry: Entry; row: SendRow }[] = [];
  entries.forEach((entry, i) => {
    const { actor, input } = entry.send;
    if (input.clientMsgId !== undefined) {
      const key = `${actor.userId}\n${input.clientMsgId}`;
      const first = firstOfClientMsgId.get(key);
      if (first) return void (entry.duplicateOf = first);
      firstOfClientMsgId.set(key, entry);
    }
    const fileIds = input.attachmentIds ?? [];
    if (fileIds.some((id) => wantedFiles.has(id)))
      return void (entry.outcome = {
        ok: false,
        error: badRequest('Those files are attached already'),
      });
    for (const id of fileIds) wantedFiles.add(id);
    candidates.push({
      entry,
      row: {
        i,
        channelId: input.channelId,
        userId: actor.userId,
        content: input.content,
        clientMsgId: input.clientMsgId ?? null,
        // sendMessage resolved it to the thread's root before the batch
        parentId: input.parentId ?? null,
        webhookId: input.webhook?.webhookId ?? null,
        authorName: input.webhook?.name ?? null,
        authorIconUrl: input.webhook?.iconUrl ?? null,
      },
    });
  });

  // One statement checks every send and stores those that may be (what you wrote yourself is
  // read; what a webhook of yours posted is news to you too).
  const results = candidates.length
    ? new Map(
        (
          await checkAndStore(
            q,
            candidates.map(({ row }) => row),
          )
        ).map((r) => [r.i, r]),
      )
    : new Map<number, never>();
  if (candidates.length) onSeqs();
  const previousIds = new Map<Entry, string>();
  const stored: { entry: Entry; row: SendRow; message: StoredMessage }[] = [];
  for (const { entry, row } of candidates) {
    const result = results.get(row.i);
    if (result?.previousId) previousIds.set(entry, result.previousId);
    else if (!result?.channelFound || (result.isPrivate && !result.isMember))
      entry.outcome = { ok: false, error: notFound('Channel') };
    else if (!result.isMember)
      entry.outcome = { ok: false, error: forbidden('Join the channel first') };
    else if (result.stored) stored.push({ entry, row, message: result.stored });
    // deleted meanwhile: its counter did not move
    else entry.outcome = { ok: false, error: notFound('Channel') };
  }

  // Threads: every root of the batch's replies counts them in one statement, then is read
  // as it now stands, to be announced after the commit.
  const replyIds = stored.flatMap(({ row, message }) =>
    row.parentId === null ? [] : [message.id],
  );
  const rootIds = await countRepliesIntoRoots(q, replyIds);
  const roots = rootIds.length ? await lookup(q, fileUrls, rootIds) : new Map<string, Message>();
  // Attachments (checked per message before the batch): one claim for the whole batch; a file
  // taken meanwhile by another send refuses the batch (BAD_REQUEST), which then writes nothing.
  const claims = stored.flatMap(({ entry, message }) => {
    const fileIds = entry.send.input.attachmentIds ?? [];
    return fileIds.length
      ? [{ messageId: message.id, uploaderId: entry.send.actor.userId, fileIds }]
      : [];
  });
  const claimed = await claimAttachments(q, claims);
  for (const { entry, row, message } of stored) {
    const root = row.parentId === null ? undefined : roots.get(row.parentId);
    const attachments = (claimed.get(message.id) ?? []).map((file) => toAttachment(fileUrls, file));
    entry.outcome = {
      ok: true,
      created: true,
      message: { ...newMessage(row, message, entry.send.actor), attachments },
      ...(root ? { root } : {}),
    };
  }
  return { entries, previousIds };
}

interface Entry {
  send: PendingSend;
  outcome: SendOutcome | undefined;
  /** The batch's first send with the same clientMsgId: this one answers what that one did. */
  duplicateOf?: Entry;
}

function newMessage(row: SendRow, stored: StoredMessage, actor: Actor): Message {
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
