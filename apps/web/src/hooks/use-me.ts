// The signed-in user, as stored at sign-in and then as the server has it now.
import type { OwnUser } from '../lib/api-types';
import { authStore } from '../lib/auth-store';
import { trpc } from '../lib/trpc';

export function useMe(): OwnUser {
  const stored = authStore.get()?.user;
  const query = trpc.auth.me.useQuery(undefined, { placeholderData: stored, staleTime: 60_000 });
  const me = query.data ?? stored;
  // only rendered while signed in (the ApiProvider is keyed by the session)
  if (!me) throw new Error('useMe used without a session');
  return me;
}
