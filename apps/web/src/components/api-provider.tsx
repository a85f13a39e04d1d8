// The tRPC client and query cache of one signed-in session; both go when the session ends.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { OutboxContext } from '../hooks/use-outbox';
import { createApiClient } from '../lib/api-client';
import { activityStore } from '../lib/channel-activity';
import { authStore } from '../lib/auth-store';
import { messageStore } from '../lib/message-store';
import { presenceStore } from '../lib/presence-store';
import { isUnauthorized } from '../lib/refresh-link';
import { createSessionOutbox, type SessionOutbox } from '../lib/session-outbox';
import { trpc } from '../lib/trpc';

/** Client errors (4xx) will not get better by asking again; network trouble might. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: unknown } }).data?.httpStatus;
  if (isUnauthorized(error) || (typeof status === 'number' && status >= 400 && status < 500))
    return false;
  return failureCount < 3;
}

function createSessionResources() {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: shouldRetry, refetchOnWindowFocus: false } },
  });
  const api = createApiClient();
  let outbox: SessionOutbox | null = null;
  let disposal: ReturnType<typeof setTimeout> | undefined;
  return {
    queryClient,
    client: api.client,
    /** Made once the provider is mounted: restoring it fills the message store. */
    outbox(): SessionOutbox {
      outbox ??= createSessionOutbox(api.client, authStore.get()?.user.id ?? 'anonymous');
      return outbox;
    },
    keep() {
      clearTimeout(disposal);
    },
    /** Deferred a tick: StrictMode unmounts and remounts at once, and that is no sign-out. */
    dispose() {
      disposal = setTimeout(() => {
        outbox?.stop();
        void api.close();
        queryClient.clear();
        messageStore.clear();
        presenceStore.clear();
        activityStore.clear();
      }, 0);
    },
  };
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const [resources] = useState(createSessionResources);
  const [outbox] = useState(() => resources.outbox());
  useEffect(() => {
    resources.keep();
    return () => resources.dispose();
  }, [resources]);

  return (
    <trpc.Provider client={resources.client} queryClient={resources.queryClient}>
      <QueryClientProvider client={resources.queryClient}>
        <OutboxContext.Provider value={outbox}>{children}</OutboxContext.Provider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
