// Adds or removes the user's reaction; the answer (the message with its reactions) goes into
// the message store at once, before the live event arrives.
import type { Message } from '../lib/api-types';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';

export function useReact(message: Message) {
  const mutation = trpc.reactions.set.useMutation({
    onSuccess: (updated) => messageStore.add(updated.channelId, [updated]),
  });
  return {
    react: (emoji: string, op: 'add' | 'remove') =>
      mutation.mutate({ messageId: message.id, emoji, op }),
    isPending: mutation.isPending,
  };
}
