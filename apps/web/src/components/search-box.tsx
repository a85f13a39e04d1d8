// The search box ("/" or Ctrl+K focuses it) and its results: highlighted passages (HTML the
// server escaped, with only <mark> in it); a hit opens its channel scrolled to the message
// (the list reads older pages until it holds it) and marks it there.
import { useEffect, useRef, useState } from 'react';
import { useEscapeToClose } from '../hooks/use-escape-to-close';
import { requestFocus } from '../lib/focus-message';
import { jumpTarget } from '../lib/jump-target';
import { openThread } from '../lib/open-thread';
import { channelPath, navigate } from '../lib/route';
import { trpc } from '../lib/trpc';
import { formatDay, formatTime } from '../lib/format';

function useFocusShortcut(input: React.RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const typing =
        event.target instanceof HTMLElement &&
        (event.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName));
      const ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k';
      if (ctrlK || (event.key === '/' && !typing)) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [input]);
}

function SearchResults({ q, onClose }: { q: string; onClose: () => void }) {
  // a panel like the others: Escape closes it when it is the one opened last
  useEscapeToClose(onClose);
  const results = trpc.search.messages.useInfiniteQuery(
    { q, limit: 20 },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const hits = results.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="search-results" aria-label="Search results">
      <header className="search-results-header">
        <strong>Results for “{q}”</strong>
        <button type="button" onClick={onClose} aria-label="Close search">
          ×
        </button>
      </header>
      {results.isLoading && <p>Searching…</p>}
      {results.error && <p role="alert">{results.error.message}</p>}
      {results.isSuccess && hits.length === 0 && <p>No messages found.</p>}
      <ul>
        {hits.map((hit) => (
          <li key={hit.id}>
            <button
              type="button"
              className="search-hit"
              onClick={() => {
                jumpTarget.set(hit.id);
                // a reply is read in its thread, scrolled to it, beside its root in the channel
                // (the thread pane asks for that once it knows the root's seq); any other hit
                // is brought into view in the channel's list
                if (hit.parentId) openThread(hit.channelId, hit.parentId, hit.id);
                else requestFocus(hit.channelId, hit.seq);
                navigate(channelPath(hit.channelId));
                onClose();
              }}
            >
              <span className="search-hit-meta">
                <strong>{hit.username}</strong> · {formatDay(hit.createdAt)}{' '}
                {formatTime(hit.createdAt)}
              </span>
              {/* the server escaped everything but its own <mark> tags */}
              <span
                className="search-hit-text"
                dangerouslySetInnerHTML={{ __html: hit.highlight }}
              />
            </button>
          </li>
        ))}
      </ul>
      {results.hasNextPage && (
        <button type="button" onClick={() => void results.fetchNextPage()}>
          More results
        </button>
      )}
    </section>
  );
}

export function SearchBox() {
  const input = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState<string | null>(null);
  useFocusShortcut(input);
  return (
    <div className="search">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQ(draft.trim() || null);
        }}
      >
        <input
          ref={input}
          type="search"
          aria-label="Search"
          placeholder="Search (/ or Ctrl+K)"
          value={draft}
          maxLength={500}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            // Escape first clears what is typed (the results, once shown, close as a panel)
            if (event.key !== 'Escape' || q !== null || draft === '') return;
            event.preventDefault();
            setDraft('');
          }}
        />
      </form>
      {q && <SearchResults q={q} onClose={() => setQ(null)} />}
    </div>
  );
}
