// Every channel's messages held in this tab, fed by history pages, live feeds and sends; React
// reads one channel at a time through useChannelMessages.
import { useSyncExternalStore } from 'react';
import type { Message } from './api-types';
import {
  addMessages,
  addPending,
  dropPending,
  emptyMessageList,
  failPending,
  type MessageList,
  replaceHeld,
  type PendingMessage,
} from './message-list';

export interface ChannelMessages extends MessageList {
  /** The newest page of history has been read (so what is held reaches back without a gap). */
  historyLoaded: boolean;
}

const empty: ChannelMessages = { ...emptyMessageList, historyLoaded: false };

export function createMessageStore() {
  const channels = new Map<string, ChannelMessages>();
  const listeners = new Map<string, Set<() => void>>();

  const get = (channelId: string): ChannelMessages => channels.get(channelId) ?? empty;

  const update = (channelId: string, change: (state: ChannelMessages) => ChannelMessages) => {
    const before = get(channelId);
    const after = change(before);
    if (after === before) return;
    channels.set(channelId, after);
    for (const listener of listeners.get(channelId) ?? []) listener();
  };

  const withList = (change: (list: MessageList) => MessageList) => (state: ChannelMessages) => {
    const list = change(state);
    return list === state ? state : { ...state, ...list };
  };

  return {
    get,
    subscribe(channelId: string, listener: () => void) {
      let set = listeners.get(channelId);
      if (!set) listeners.set(channelId, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    add(channelId: string, messages: readonly Message[]) {
      update(
        channelId,
        withList((list) => addMessages(list, messages)),
      );
    },
    /** Newer copies of messages already held (an edit, a thread's new count); others are left out. */
    update(channelId: string, messages: readonly Message[]) {
      update(
        channelId,
        withList((list) => replaceHeld(list, messages)),
      );
    },
    addHistory(channelId: string, messages: readonly Message[]) {
      update(channelId, (state) => ({
        ...state,
        ...addMessages(state, messages),
        historyLoaded: true,
      }));
    },
    addPending(channelId: string, message: PendingMessage) {
      update(
        channelId,
        withList((list) => addPending(list, message)),
      );
    },
    failPending(channelId: string, clientMsgId: string) {
      update(
        channelId,
        withList((list) => failPending(list, clientMsgId)),
      );
    },
    dropPending(channelId: string, clientMsgId: string) {
      update(
        channelId,
        withList((list) => dropPending(list, clientMsgId)),
      );
    },
    clear() {
      channels.clear();
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;

export const messageStore = createMessageStore();

export function useChannelMessages(channelId: string): ChannelMessages {
  return useSyncExternalStore(
    (listener) => messageStore.subscribe(channelId, listener),
    () => messageStore.get(channelId),
  );
}
