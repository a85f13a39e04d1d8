// People as the server has them now (display name, avatar), fetched once per person and kept
// current by the user_updated events.
import type { Message, User } from '../lib/api-types';
import { trpc } from '../lib/trpc';

const staleTime = 10 * 60_000;

export function useUser(userId: string): User | undefined {
  return trpc.users.get.useQuery({ userId }, { staleTime }).data;
}

export interface Author {
  name: string;
  avatarUrl: string | null;
}

/** Who wrote a message as it should be shown: a webhook's own name and icon, else the person. */
export function useAuthor(message: Message): Author {
  const isWebhook = message.webhookId !== null;
  const { data: user } = trpc.users.get.useQuery(
    { userId: message.userId },
    { staleTime, enabled: !isWebhook },
  );
  if (isWebhook) return { name: message.username, avatarUrl: message.iconUrl };
  return { name: user?.displayName ?? message.username, avatarUrl: user?.avatarUrl ?? null };
}
