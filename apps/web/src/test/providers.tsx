// The hooks' providers for component tests, with a tRPC client that never reaches a server:
// tests fill the query cache by hand, or pass links that answer in the server's place.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { TRPCLink } from '@trpc/client';
import type { ReactNode } from 'react';
import type { OwnUser, User } from '../lib/api-types';
import type { AppRouter } from '@chat/api';
import { trpc } from '../lib/trpc';

export function Providers({
  children,
  queryClient,
  links = [],
}: {
  children: ReactNode;
  queryClient: QueryClient;
  links?: TRPCLink<AppRouter>[];
}) {
  const client = trpc.createClient({ links });
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}

export function testUser(id: string, displayName: string, status: User['status'] = 'online'): User {
  return {
    id,
    username: id,
    displayName,
    avatarUrl: null,
    status,
    lastSeen: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** A query client whose cache says the signed-in user is `me` (what useMe reads). */
export function signedInClient(me: User): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const own: OwnUser = { ...me, email: `${me.id}@example.com` };
  queryClient.setQueryData([['auth', 'me'], { type: 'query' }], own);
  return queryClient;
}
