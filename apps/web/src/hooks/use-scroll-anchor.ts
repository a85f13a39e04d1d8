// Keeps the row the user was looking at in place while an older page comes in above it.
// Virtuoso shifts the view by its estimate of the new rows' height when they are prepended,
// but once it measures them the estimate's error is left as a jump; so the top row in view is
// noted when a page is asked for and put back each time the list's height changes, until the
// user does anything (wheel, key, pointer or touch, anywhere in the page).
import { useCallback, useEffect, useRef, useState } from 'react';

interface Anchor {
  seq: string;
  offset: number;
}

const rowSelector = 'li.message[data-seq]';

export function useScrollAnchor() {
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const anchor = useRef<Anchor | null>(null);

  const offsetOf = useCallback(
    (row: Element) =>
      scroller ? row.getBoundingClientRect().top - scroller.getBoundingClientRect().top : 0,
    [scroller],
  );

  const hold = useCallback(() => {
    if (!scroller) return;
    const viewTop = scroller.getBoundingClientRect().top;
    const top = [...scroller.querySelectorAll(rowSelector)].find(
      (row) => row.getBoundingClientRect().bottom > viewTop,
    );
    const seq = top?.getAttribute('data-seq');
    anchor.current = top && seq ? { seq, offset: offsetOf(top) } : null;
  }, [scroller, offsetOf]);

  const restore = useCallback(() => {
    // after the layout the height change leads to
    requestAnimationFrame(() => {
      const held = anchor.current;
      const row = held && scroller?.querySelector(`${rowSelector}[data-seq="${held.seq}"]`);
      if (!held || !row || !scroller) return;
      const drift = offsetOf(row) - held.offset;
      if (Math.abs(drift) >= 1) scroller.scrollTop += drift;
    });
  }, [scroller, offsetOf]);

  useEffect(() => {
    // a new list (or none) has no row of the old one to keep
    anchor.current = null;
    const release = () => {
      anchor.current = null;
    };
    // anything the user does lets go: scrolling on their own, a jump button, a key pressed
    const events = ['wheel', 'keydown', 'pointerdown', 'touchstart'] as const;
    const options = { capture: true, passive: true };
    for (const event of events) window.addEventListener(event, release, options);
    return () => {
      for (const event of events) window.removeEventListener(event, release, options);
    };
  }, [scroller]);

  return { scrollerRef: setScroller, hold, restore };
}
