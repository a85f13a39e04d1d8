// Reads older pages while the top of the message list is near: when Virtuoso renders the first
// row and the list itself stands within that overscan of its top, looked at once things have
// rested a moment (as Virtuoso's own startReached does, so a passing layout is not taken for the
// user's). Looked at again on every range change and whenever a page comes in or fails, so a
// page that leaves the top in view is followed by the next and a look refused while a load ran
// is made up for (startReached fires once per first row: a refusal there left the list stuck).
import { useCallback, useEffect, useRef } from 'react';
import type { useChannelHistory } from './use-channel-history';

/** How far above the view rows are rendered (Virtuoso's increaseViewportBy.top), in px. */
export const topOverscan = 400;
const restMs = 200;

type History = Pick<
  ReturnType<typeof useChannelHistory>,
  'hasOlder' | 'loadingOlder' | 'olderError' | 'loadOlder'
>;

export function useOlderPages(history: History, firstItemIndex: number, hold: () => void) {
  const { hasOlder, loadingOlder, olderError, loadOlder } = history;
  /** Whether the list stands where it opened: pages wait until it does. */
  const ready = useRef(false);
  /** The first rendered row (overscan included), in Virtuoso's indexes. */
  const rangeStart = useRef<number | null>(null);
  const list = useRef<HTMLElement | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const loadIfAtTop = useCallback(() => {
    const firstRendered = rangeStart.current !== null && rangeStart.current <= firstItemIndex;
    const nearTop = list.current !== null && list.current.scrollTop <= topOverscan;
    if (!ready.current || !firstRendered || !nearTop) return;
    if (!hasOlder || loadingOlder || olderError) return;
    hold();
    void loadOlder();
  }, [firstItemIndex, hasOlder, loadingOlder, olderError, hold, loadOlder]);
  const latest = useRef(loadIfAtTop);
  useEffect(() => {
    latest.current = loadIfAtTop;
  }, [loadIfAtTop]);

  const lookSoon = useCallback(() => {
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, restMs);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  // a page in, or a load ended
  useEffect(() => {
    if (ready.current && !loadingOlder) lookSoon();
  }, [loadingOlder, firstItemIndex, lookSoon]);

  return {
    listRef: (element: HTMLElement | null) => {
      list.current = element;
    },
    /** Virtuoso's rendered range changed; `positioned`: the list now stands where it opened. */
    rangeChanged: (startIndex: number, positioned: boolean) => {
      rangeStart.current = startIndex;
      if (positioned) ready.current = true;
      if (ready.current) lookSoon();
    },
  };
}
