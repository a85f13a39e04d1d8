// The people of a direct message other than the user (a DM has no name of its own).
import type { User } from '../lib/api-types';
import { trpc } from '../lib/trpc';
import { useMe } from './use-me';

export function useDmPeople(channelId: string): User[] {
  const me = useMe();
  const { data } = trpc.channels.members.useQuery({ channelId, limit: 10 }, { staleTime: 60_000 });
  return (data?.items ?? []).filter((user) => user.id !== me.id);
}
