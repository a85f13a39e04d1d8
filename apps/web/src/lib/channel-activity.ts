// What happened in a channel besides messages, as this tab heard it live: who joined or left
// (shown as quiet lines between the messages) and how far each member has read since (for
// "Seen by", with the marks the members list gave).
import { useSyncExternalStore } from 'react';

export interface SystemLine {
  key: string;
  kind: 'join' | 'leave';
  userId: string;
  username: string;
  /** Shown after the message with this seq (0: before all). */
  afterSeq: number;
}

export type ReadMarks = ReadonlyMap<string, number>;

interface Activity {
  lines: SystemLine[];
  reads: ReadMarks;
}

const empty: Activity = { lines: [], reads: new Map() };

export function createActivityStore() {
  const channels = new Map<string, Activity>();
  const listeners = new Map<string, Set<() => void>>();
  const get = (channelId: string) => channels.get(channelId) ?? empty;
  const update = (channelId: string, change: (activity: Activity) => Activity) => {
    const before = get(channelId);
    const after = change(before);
    if (after === before) return;
    channels.set(channelId, after);
    for (const listener of [...(listeners.get(channelId) ?? [])]) listener();
  };
  let counter = 0;

  return {
    get,
    subscribe(channelId: string, listener: () => void) {
      let set = listeners.get(channelId);
      if (!set) listeners.set(channelId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    addLine(channelId: string, line: Omit<SystemLine, 'key'>) {
      counter += 1;
      update(channelId, (activity) => ({
        ...activity,
        lines: [...activity.lines, { ...line, key: `system-${counter}` }],
      }));
    },
    /** A member's read mark moved; marks only move forward. */
    recordRead(channelId: string, userId: string, seq: number) {
      update(channelId, (activity) => {
        if ((activity.reads.get(userId) ?? -1) >= seq) return activity;
        const reads = new Map(activity.reads);
        reads.set(userId, seq);
        return { ...activity, reads };
      });
    },
    clear() {
      channels.clear();
    },
  };
}

export const activityStore = createActivityStore();

export function useChannelActivity(channelId: string): Activity {
  return useSyncExternalStore(
    (listener) => activityStore.subscribe(channelId, listener),
    () => activityStore.get(channelId),
  );
}

/**
 * The read marks the server listed with the members (as of the list's fetch), moved on by the
 * `read` events heard since: whichever is further for each member.
 */
export function withMemberMarks(
  members: readonly { id: string; lastReadSeq: number }[],
  live: ReadMarks,
): ReadMarks {
  // in the list's order, then anyone heard live who is not on it (yet)
  const marks = new Map<string, number>();
  for (const member of members) {
    marks.set(member.id, Math.max(member.lastReadSeq, live.get(member.id) ?? -1));
  }
  for (const [userId, seq] of live) if (!marks.has(userId)) marks.set(userId, seq);
  return marks;
}

/** Everyone but the user whose read mark has reached `seq`, in the order of `reads`. */
export function seenBy(reads: ReadMarks, seq: number | null, myId: string): string[] {
  if (seq === null) return [];
  return [...reads].filter(([userId, read]) => userId !== myId && read >= seq).map(([id]) => id);
}

/** Receipts are shown where they stay readable: DMs and channels of at most ten members. */
export const showsReceipts = (channel: { kind: string; memberCount: number }) =>
  channel.kind === 'dm' || channel.memberCount <= 10;
