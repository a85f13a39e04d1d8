// "Edit my last message" (Up arrow in an empty composer): the composer asks, the message's own
// item opens its editor, at once or when the list has scrolled it into being.
import { useEffect, useRef } from 'react';

let requested: string | null = null;
const listeners = new Set<() => void>();

export function requestEdit(messageId: string) {
  requested = messageId;
  for (const listener of [...listeners]) listener();
}

export function useEditRequest(messageId: string, editable: boolean, open: () => void) {
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  });
  useEffect(() => {
    if (!editable) return;
    const take = () => {
      if (requested !== messageId) return;
      requested = null;
      openRef.current();
    };
    take();
    listeners.add(take);
    return () => {
      listeners.delete(take);
    };
  }, [messageId, editable]);
}
