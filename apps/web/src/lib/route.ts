// The few client routes there are, on the History API: "/" and "/channels/<id>".
import { useSyncExternalStore } from 'react';

export type Route = { name: 'home' } | { name: 'channel'; channelId: string };

export function parseRoute(pathname: string): Route {
  const match = /^\/channels\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) return { name: 'channel', channelId: decodeURIComponent(match[1]) };
  return { name: 'home' };
}

export const channelPath = (channelId: string) => `/channels/${encodeURIComponent(channelId)}`;

const navigationEvent = 'chat:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}) {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(navigationEvent));
}

function subscribe(listener: () => void) {
  window.addEventListener('popstate', listener);
  window.addEventListener(navigationEvent, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(navigationEvent, listener);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
