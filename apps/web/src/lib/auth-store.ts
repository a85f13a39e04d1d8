// The signed-in session, kept in localStorage so a reload (or another tab) stays signed in.
import { useSyncExternalStore } from 'react';
import type { OwnUser, Session, TokenPair } from './api-types';

const storageKey = 'chat.session';

type Listener = () => void;
const listeners = new Set<Listener>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

function parse(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    if (
      typeof value.accessToken === 'string' &&
      typeof value.refreshToken === 'string' &&
      value.user
    ) {
      return value as Session;
    }
  } catch {
    // a damaged entry is the same as none
  }
  return null;
}

/** The current session, re-read from storage so tokens another tab rotated are seen at once. */
export function getSession(): Session | null {
  const raw = localStorage.getItem(storageKey);
  if (raw !== cached.raw) cached = { raw, session: parse(raw) };
  return cached.session;
}

function save(session: Session | null) {
  if (session) localStorage.setItem(storageKey, JSON.stringify(session));
  else localStorage.removeItem(storageKey);
  for (const listener of listeners) listener();
}

export const authStore = {
  get: getSession,
  tokens(): TokenPair | null {
    const session = getSession();
    return session && { accessToken: session.accessToken, refreshToken: session.refreshToken };
  },
  signIn(session: Session) {
    save(session);
  },
  setTokens(tokens: TokenPair) {
    const session = getSession();
    if (session) save({ ...session, ...tokens });
  },
  setUser(user: OwnUser) {
    const session = getSession();
    if (session) save({ ...session, user });
  },
  signOut() {
    save(null);
  },
  subscribe: (listener: Listener) => {
    listeners.add(listener);
    // another tab signing in or out
    const onStorage = (event: StorageEvent) => {
      if (event.key === storageKey || event.key === null) listener();
    };
    window.addEventListener('storage', onStorage);
    return () => {
      listeners.delete(listener);
      window.removeEventListener('storage', onStorage);
    };
  },
};

export function useSession(): Session | null {
  return useSyncExternalStore(authStore.subscribe, getSession);
}
