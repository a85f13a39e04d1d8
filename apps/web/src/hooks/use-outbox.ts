// The session's outbox, for the hooks that send.
import { createContext, useContext } from 'react';
import type { SessionOutbox } from '../lib/session-outbox';

export const OutboxContext = createContext<SessionOutbox | null>(null);

export function useOutbox(): SessionOutbox {
  const outbox = useContext(OutboxContext);
  if (!outbox) throw new Error('useOutbox used outside ApiProvider');
  return outbox;
}
