// Escape closes the side panel opened last, one per press, and leaves alone a key already
// handled inside (an editor cancelling) or pressed while a modal dialog is open.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useEscapeToClose } from './use-escape-to-close';

function Panel({ name, onClose }: { name: string; onClose: () => void }) {
  useEscapeToClose(onClose);
  return (
    <aside aria-label={name}>
      <input
        aria-label={`${name} editor`}
        onKeyDown={(event) => event.key === 'Escape' && event.preventDefault()}
      />
    </aside>
  );
}

function Screen({ withDialog = false }: { withDialog?: boolean }) {
  const [open, setOpen] = useState({ details: true, thread: true });
  return (
    <>
      {open.details && (
        <Panel name="Details" onClose={() => setOpen((o) => ({ ...o, details: false }))} />
      )}
      {open.thread && (
        <Panel name="Thread" onClose={() => setOpen((o) => ({ ...o, thread: false }))} />
      )}
      {withDialog && <dialog open>Profile</dialog>}
    </>
  );
}

const panels = () =>
  screen.queryAllByRole('complementary').map((p) => p.getAttribute('aria-label'));

describe('Escape', () => {
  it('closes the panel opened last, then the one before', async () => {
    const user = userEvent.setup();
    render(<Screen />);
    expect(panels()).toEqual(['Details', 'Thread']);
    await user.keyboard('{Escape}');
    expect(panels()).toEqual(['Details']);
    await user.keyboard('{Escape}');
    expect(panels()).toEqual([]);
  });

  it('leaves the panels open when a field handled it, or while a dialog is open', async () => {
    const user = userEvent.setup();
    const { unmount } = render(<Screen />);
    await user.click(screen.getByLabelText('Thread editor'));
    await user.keyboard('{Escape}');
    expect(panels()).toEqual(['Details', 'Thread']);
    unmount();

    render(<Screen withDialog />);
    await user.keyboard('{Escape}');
    expect(panels()).toEqual(['Details', 'Thread']);
  });
});
