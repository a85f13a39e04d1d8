// "Add reaction": a button that opens an emoji picker (loaded on first use).
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useReact } from '../hooks/use-react';
import type { Message } from '../lib/api-types';

const EmojiPicker = lazy(() => import('./emoji-picker'));

export function ReactionPicker({ message }: { message: Message }) {
  const [open, setOpen] = useState(false);
  const { react } = useReact(message);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
        // the picker takes this Escape: the panel it sits in stays open
        event.preventDefault();
        setOpen(false);
      } else if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="reaction-picker" ref={ref}>
      <button
        type="button"
        aria-label="Add reaction"
        title="Add reaction"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        ☺+
      </button>
      {open && (
        <div className="emoji-popover" role="dialog" aria-label="Choose an emoji">
          <Suspense fallback={<p className="emoji-note">Loading…</p>}>
            <EmojiPicker
              onSelect={(emoji) => {
                react(emoji, 'add');
                setOpen(false);
              }}
            />
          </Suspense>
        </div>
      )}
    </div>
  );
}
