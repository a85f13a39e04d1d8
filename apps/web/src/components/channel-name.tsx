// How a channel is named: "# general", a lock for a private one, the other people of a DM.
import { useDmPeople } from '../hooks/use-dm-people';
import type { Channel, User } from '../lib/api-types';
import { useStatus } from '../lib/presence-store';
import { PresenceDot } from './presence-dot';

function PersonStatus({ user }: { user: User }) {
  return <PresenceDot status={useStatus(user.id, user.status)} />;
}

function DmName({ channelId }: { channelId: string }) {
  const people = useDmPeople(channelId);
  const [first] = people;
  return (
    <>
      <span className="channel-icon">
        {people.length === 1 && first ? (
          <PersonStatus user={first} />
        ) : (
          <span>{people.length || ''}</span>
        )}
      </span>
      <span className="channel-label">
        {people.length ? people.map((user) => user.displayName).join(', ') : 'Direct message'}
      </span>
    </>
  );
}

export function ChannelName({ channel }: { channel: Channel }) {
  if (channel.kind === 'dm') return <DmName channelId={channel.id} />;
  return (
    <>
      <span className="channel-icon" aria-label={channel.isPrivate ? 'private' : undefined}>
        {channel.isPrivate ? '🔒' : '#'}
      </span>
      <span className="channel-label">{channel.name}</span>
    </>
  );
}
