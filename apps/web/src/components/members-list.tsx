// The people of a channel with their live status (unknown while disconnected).
import type { User } from '../lib/api-types';
import { useStatus } from '../lib/presence-store';
import { Avatar } from './avatar';
import { statusLabel } from './presence-dot';

function MemberRow({ user, isMe }: { user: User; isMe: boolean }) {
  const status = useStatus(user.id, user.status);
  return (
    <li className="member-row">
      <Avatar
        userId={user.id}
        name={user.displayName}
        avatarUrl={user.avatarUrl}
        size="small"
        status={status}
      />
      <span className="person-name">
        {user.displayName}
        {isMe && ' (you)'}
      </span>
      <span className="person-handle">{statusLabel(status)}</span>
    </li>
  );
}

export function MembersList({ members, myId }: { members: readonly User[]; myId: string }) {
  return (
    <ul className="members" aria-label="Members">
      {members.map((user) => (
        <MemberRow key={user.id} user={user} isMe={user.id === myId} />
      ))}
    </ul>
  );
}
