// Escape inside a panel's own popups: the emoji picker and the search results close first, and
// the panel behind them stays open until the next press; typed search text is cleared first.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useEscapeToClose } from '../hooks/use-escape-to-close';
import { testMessage } from '../lib/test-message';
import { Providers, signedInClient, testUser } from '../test/providers';
import { ReactionPicker } from './reaction-picker';
import { SearchBox } from './search-box';

function Panel({ onClose }: { onClose: () => void }) {
  useEscapeToClose(onClose);
  return (
    <aside aria-label="Thread">
      <ReactionPicker message={testMessage(1)} />
    </aside>
  );
}

function Screen() {
  const [open, setOpen] = useState(true);
  return (
    <Providers queryClient={signedInClient(testUser('ada', 'Ada'))}>
      <SearchBox />
      {open && <Panel onClose={() => setOpen(false)} />}
    </Providers>
  );
}

const panelOpen = () => screen.queryByRole('complementary', { name: 'Thread' }) !== null;

describe('Escape with a popup open in front of a panel', () => {
  it('closes the emoji picker, then the panel', async () => {
    const user = userEvent.setup();
    render(<Screen />);
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    expect(screen.getByRole('dialog', { name: 'Choose an emoji' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Choose an emoji' })).toBeNull();
    expect(panelOpen()).toBe(true);
    await user.keyboard('{Escape}');
    expect(panelOpen()).toBe(false);
  });

  it('clears the typed search, closes the results, then the panel', async () => {
    const user = userEvent.setup();
    render(<Screen />);
    const box = screen.getByRole('searchbox', { name: 'Search' });
    await user.type(box, 'draft');
    await user.keyboard('{Escape}');
    expect((box as HTMLInputElement).value).toBe('');
    expect(panelOpen()).toBe(true);

    await user.type(box, 'release notes{Enter}');
    expect(screen.getByRole('region', { name: 'Search results' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Search results' })).toBeNull();
    // the words stay, to be changed; the next Escape clears them, the one after that the panel
    expect((box as HTMLInputElement).value).toBe('release notes');
    await user.keyboard('{Escape}');
    expect((box as HTMLInputElement).value).toBe('');
    expect(panelOpen()).toBe(true);
    await user.keyboard('{Escape}');
    expect(panelOpen()).toBe(false);
  });
});
