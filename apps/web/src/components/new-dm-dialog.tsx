// Starting a direct message: find a person by username, open (or reopen) the DM with them.
import { useDeferredValue, useState } from 'react';
import { useMe } from '../hooks/use-me';
import type { User } from '../lib/api-types';
import { useStatus } from '../lib/presence-store';
import { channelPath, navigate } from '../lib/route';
import { trpc } from '../lib/trpc';
import { Avatar } from './avatar';
import { Dialog } from './dialog';

function PersonRow({
  user,
  onPick,
  disabled,
}: {
  user: User;
  onPick: (user: User) => void;
  disabled: boolean;
}) {
  const status = useStatus(user.id, user.status);
  return (
    <li>
      <button type="button" className="person" onClick={() => onPick(user)} disabled={disabled}>
        <Avatar userId={user.id} name={user.displayName} size="small" status={status} />
        <span className="person-name">{user.displayName}</span>
        <span className="person-handle">@{user.username}</span>
      </button>
    </li>
  );
}

export function NewDmDialog({ onClose }: { onClose: () => void }) {
  const me = useMe();
  const utils = trpc.useUtils();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const users = trpc.users.list.useQuery(
    { q: q || undefined, limit: 20 },
    { placeholderData: (previous) => previous },
  );
  const openDm = trpc.channels.openDm.useMutation({
    onSuccess: async (channel) => {
      await utils.channels.list.invalidate();
      onClose();
      navigate(channelPath(channel.id));
    },
  });
  const people = (users.data?.items ?? []).filter((user) => user.id !== me.id);

  return (
    <Dialog title="New direct message" onClose={onClose}>
      <div className="form">
        <input
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="Search by username"
          maxLength={32}
          aria-label="Search people"
          autoFocus
        />
        <ul className="people">
          {people.map((user) => (
            <PersonRow
              key={user.id}
              user={user}
              onPick={(picked) => openDm.mutate({ userIds: [picked.id] })}
              disabled={openDm.isPending}
            />
          ))}
          {users.isSuccess && people.length === 0 && (
            <li className="people-empty">Nobody by that name.</li>
          )}
        </ul>
        {(users.error ?? openDm.error) && (
          <p className="form-error" role="alert">
            {(users.error ?? openDm.error)?.message}
          </p>
        )}
      </div>
    </Dialog>
  );
}
