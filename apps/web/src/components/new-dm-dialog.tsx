// Starting a direct message: pick one person or several (a group DM), then open (or reopen)
// the conversation of exactly those people.
import { openDmInput } from '@chat/api/schemas/channels';
import { useState } from 'react';
import { useOpenNewChannel } from '../hooks/use-channel-list';
import { useMe } from '../hooks/use-me';
import type { User } from '../lib/api-types';
import { fieldErrors } from '../lib/form-errors';
import { trpc } from '../lib/trpc';
import { Dialog } from './dialog';
import { PeopleSearch } from './people-search';

export function NewDmDialog({ onClose }: { onClose: () => void }) {
  const me = useMe();
  const openNewChannel = useOpenNewChannel();
  const [picked, setPicked] = useState<User[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const openDm = trpc.channels.openDm.useMutation({
    onSuccess: (channel) => {
      onClose();
      openNewChannel(channel);
    },
  });
  const pickedIds = new Set(picked.map((user) => user.id));
  const toggle = (user: User) =>
    setPicked((current) =>
      current.some((p) => p.id === user.id)
        ? current.filter((p) => p.id !== user.id)
        : [...current, user],
    );
  const start = () => {
    const input = { userIds: picked.map((user) => user.id) };
    const invalid = fieldErrors(openDmInput, input);
    setProblem(invalid?.userIds ?? null);
    if (!invalid) openDm.mutate(input);
  };

  return (
    <Dialog title="New direct message" onClose={onClose}>
      <div className="form">
        {picked.length > 0 && (
          <div className="picked-people" aria-label="Picked people">
            {picked.map((user) => (
              <span className="chip" key={user.id}>
                {user.displayName}
                <button
                  type="button"
                  className="icon-button"
                  onClick={() => toggle(user)}
                  aria-label={`Remove ${user.displayName}`}
                >
                  ×
                </button>
              </span>
            ))}
          </div>
        )}
        <PeopleSearch
          exclude={new Set([me.id])}
          picked={pickedIds}
          onPick={toggle}
          disabled={openDm.isPending}
          autoFocus
        />
        {(problem ?? openDm.error) && (
          <p className="form-error" role="alert">
            {problem ?? openDm.error?.message}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={start}
            disabled={picked.length === 0 || openDm.isPending}
          >
            {picked.length > 1 ? `Start group (${picked.length + 1} people)` : 'Start conversation'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
