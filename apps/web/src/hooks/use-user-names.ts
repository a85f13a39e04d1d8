// The display names of some users (for "reacted by …"), each asked once and kept a while.
import { trpc } from '../lib/trpc';

export function useUserNames(userIds: readonly string[]): Map<string, string> {
  const queries = trpc.useQueries((t) =>
    userIds.map((userId) => t.users.get({ userId }, { staleTime: 5 * 60_000 })),
  );
  const names = new Map<string, string>();
  for (const query of queries) if (query.data) names.set(query.data.id, query.data.displayName);
  return names;
}
