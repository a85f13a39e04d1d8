// A channel's messages as the client holds them: confirmed messages ordered by seq (one per seq,
// whichever way it arrived: history, the live feed, a send's answer, an edit), and the messages
// the user sent that the server has not confirmed yet.
import type { Message } from './api-types';

export interface PendingMessage {
  clientMsgId: string;
  content: string;
  createdAt: string;
  status: 'sending' | 'failed';
}

export interface MessageList {
  messages: Message[];
  pending: PendingMessage[];
}

export const emptyMessageList: MessageList = { messages: [], pending: [] };

/**
 * Which of two copies of a message to keep: a deletion, else the later edit. A copy that says
 * the same as the one held changes nothing (a resumed feed repeats what history gave).
 */
function newer(existing: Message, incoming: Message): Message {
  const kept = newerCopy(existing, incoming);
  // Reactions change on their own, each change numbered: the larger version is the newer state,
  // whichever copy (an event that came late, a page read before it) carries it.
  const other = kept === existing ? incoming : existing;
  return other.reactionsVersion > kept.reactionsVersion
    ? { ...kept, reactions: other.reactions, reactionsVersion: other.reactionsVersion }
    : kept;
}

function newerCopy(existing: Message, incoming: Message): Message {
  if (existing.deleted !== incoming.deleted) return existing.deleted ? existing : incoming;
  const existingEdit = existing.editedAt ?? '';
  const incomingEdit = incoming.editedAt ?? '';
  if (incomingEdit !== existingEdit) return incomingEdit > existingEdit ? incoming : existing;
  // a root's thread only grows: an announcement that arrives late does not shrink it
  if (incoming.replyCount !== existing.replyCount)
    return incoming.replyCount > existing.replyCount ? incoming : existing;
  return JSON.stringify(incoming) === JSON.stringify(existing) ? existing : incoming;
}

/** `messages` (ascending by seq, unique) with `incoming` merged in, still ascending and unique. */
export function mergeBySeq(messages: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return messages as Message[];
  const bySeq = new Map<number, Message>();
  for (const message of messages) bySeq.set(message.seq, message);
  let changed = false;
  for (const message of incoming) {
    const existing = bySeq.get(message.seq);
    const kept = existing ? newer(existing, message) : message;
    if (kept !== existing) {
      bySeq.set(message.seq, kept);
      changed = true;
    }
  }
  if (!changed) return messages as Message[];
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Confirmed messages added; a pending one whose confirmation arrived is no longer pending. */
export function addMessages(list: MessageList, incoming: readonly Message[]): MessageList {
  const messages = mergeBySeq(list.messages, incoming);
  const confirmed = new Set(
    incoming.map((message) => message.clientMsgId).filter((id) => id !== null),
  );
  const pending = confirmed.size
    ? list.pending.filter((p) => !confirmed.has(p.clientMsgId))
    : list.pending;
  if (messages === list.messages && pending === list.pending) return list;
  return { messages, pending };
}

/** Newer copies of the messages already held; a message not held is left out. */
export function replaceHeld(list: MessageList, incoming: readonly Message[]): MessageList {
  const held = new Set(list.messages.map((message) => message.seq));
  return addMessages(
    list,
    incoming.filter((message) => held.has(message.seq)),
  );
}

export function addPending(list: MessageList, message: PendingMessage): MessageList {
  // sent again after a failure: the same clientMsgId, so the server stores it at most once
  const others = list.pending.filter((p) => p.clientMsgId !== message.clientMsgId);
  // it may have been confirmed already (the feed can be faster than the send's answer)
  if (list.messages.some((m) => m.clientMsgId === message.clientMsgId)) return list;
  return { ...list, pending: [...others, message] };
}

export function failPending(list: MessageList, clientMsgId: string): MessageList {
  return {
    ...list,
    pending: list.pending.map((p) =>
      p.clientMsgId === clientMsgId ? { ...p, status: 'failed' } : p,
    ),
  };
}

export function dropPending(list: MessageList, clientMsgId: string): MessageList {
  return { ...list, pending: list.pending.filter((p) => p.clientMsgId !== clientMsgId) };
}

/** The newest seq held, or null for none. */
export function latestSeq(list: MessageList): number | null {
  return list.messages.at(-1)?.seq ?? null;
}

/** The oldest seq held, or null for none. */
export function oldestSeq(list: MessageList): number | null {
  return list.messages[0]?.seq ?? null;
}

/** Seqs start at 1 and have no gaps, so anything above 1 has older messages before it. */
export function hasOlder(list: MessageList): boolean {
  const oldest = oldestSeq(list);
  return oldest !== null && oldest > 1;
}
