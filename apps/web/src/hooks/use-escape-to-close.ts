// Escape closes the side panel opened last (details, pins, thread), one per press. A key that
// something inside already handled (an editor cancelling, the search box clearing), or one
// pressed while a modal dialog is open, is left alone.
import { useEffect, useRef } from 'react';

const openPanels: { current: () => void }[] = [];

function onKeyDown(event: KeyboardEvent) {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  if (document.querySelector('dialog[open]')) return;
  const top = openPanels.at(-1);
  if (!top) return;
  event.preventDefault();
  top.current();
}

export function useEscapeToClose(onClose: () => void) {
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    const entry = { current: () => close.current() };
    if (openPanels.length === 0) window.addEventListener('keydown', onKeyDown);
    openPanels.push(entry);
    return () => {
      openPanels.splice(openPanels.indexOf(entry), 1);
      if (openPanels.length === 0) window.removeEventListener('keydown', onKeyDown);
    };
  }, []);
}
