// Finding people by username: a search box and the matches, each with a button to pick them.
import { useDeferredValue, useState } from 'react';
import type { User } from '../lib/api-types';
import { useStatus } from '../lib/presence-store';
import { trpc } from '../lib/trpc';
import { Avatar } from './avatar';

function PersonRow({
  user,
  picked,
  onPick,
  disabled,
}: {
  user: User;
  picked: boolean;
  onPick: (user: User) => void;
  disabled: boolean;
}) {
  const status = useStatus(user.id, user.status);
  return (
    <li>
      <button
        type="button"
        className="person"
        onClick={() => onPick(user)}
        disabled={disabled}
        aria-pressed={picked}
      >
        <Avatar
          userId={user.id}
          name={user.displayName}
          avatarUrl={user.avatarUrl}
          size="small"
          status={status}
        />
        <span className="person-name">{user.displayName}</span>
        <span className="person-handle">@{user.username}</span>
        {picked && <span aria-hidden>✓</span>}
      </button>
    </li>
  );
}

interface PeopleSearchProps {
  /** Not offered (the user, people already in the channel). */
  exclude: ReadonlySet<string>;
  picked?: ReadonlySet<string>;
  onPick: (user: User) => void;
  disabled?: boolean;
  autoFocus?: boolean;
}

export function PeopleSearch({
  exclude,
  picked = new Set(),
  onPick,
  disabled = false,
  autoFocus = false,
}: PeopleSearchProps) {
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const users = trpc.users.list.useQuery(
    { q: q || undefined, limit: 20 },
    { placeholderData: (previous) => previous },
  );
  const people = (users.data?.items ?? []).filter((user) => !exclude.has(user.id));
  return (
    <>
      <input
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder="Search by username"
        aria-label="Search people"
        autoFocus={autoFocus}
      />
      <ul className="people">
        {people.map((user) => (
          <PersonRow
            key={user.id}
            user={user}
            picked={picked.has(user.id)}
            onPick={onPick}
            disabled={disabled}
          />
        ))}
        {users.isSuccess && people.length === 0 && (
          <li className="people-empty">Nobody by that name.</li>
        )}
      </ul>
      {users.error && (
        <p className="form-error" role="alert">
          {users.error.message}
        </p>
      )}
    </>
  );
}
