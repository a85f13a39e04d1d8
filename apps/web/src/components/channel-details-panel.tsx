// The side panel of a channel: its members with their status, adding people (private
// channels), muting its notifications, and leaving it. Escape closes it.
import { useState } from 'react';
import { useEscapeToClose } from '../hooks/use-escape-to-close';
import { useMe } from '../hooks/use-me';
import { useSetMuted } from '../hooks/use-set-muted';
import type { Channel } from '../lib/api-types';
import { navigate } from '../lib/route';
import { trpc } from '../lib/trpc';
import { MembersList } from './members-list';
import { PeopleSearch } from './people-search';

function AddPeople({ channel, memberIds }: { channel: Channel; memberIds: ReadonlySet<string> }) {
  const utils = trpc.useUtils();
  const [open, setOpen] = useState(false);
  const add = trpc.channels.addMember.useMutation({
    onSuccess: async (updated) => {
      utils.channels.get.setData({ channelId: updated.id }, updated);
      await Promise.all([
        utils.channels.members.invalidate({ channelId: channel.id }),
        utils.channels.list.invalidate(),
      ]);
    },
  });
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Add people
      </button>
    );
  }
  return (
    <div className="form" role="group" aria-label="Add people">
      <PeopleSearch
        exclude={memberIds}
        onPick={(user) => add.mutate({ channelId: channel.id, userId: user.id })}
        disabled={add.isPending}
        autoFocus
      />
      {add.error && <p className="form-error">{add.error.message}</p>}
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Done
      </button>
    </div>
  );
}

export function ChannelDetailsPanel({
  channel,
  onClose,
}: {
  channel: Channel;
  onClose: () => void;
}) {
  const me = useMe();
  const utils = trpc.useUtils();
  const members = trpc.channels.members.useQuery({ channelId: channel.id, limit: 100 });
  const mute = useSetMuted(channel);
  const leave = trpc.channels.leave.useMutation({
    onSuccess: async () => {
      onClose();
      await utils.channels.list.invalidate();
      navigate('/');
    },
  });

  useEscapeToClose(onClose);

  const people = members.data?.items ?? [];
  const memberIds = new Set(people.map((user) => user.id));
  const canAdd = channel.kind === 'channel' && channel.isPrivate && channel.isMember;

  return (
    <aside className="side-panel" aria-label="Channel details">
      <header>
        <h2>{channel.kind === 'dm' ? 'Conversation' : `#${channel.name ?? ''}`}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </header>
      <section className="side-panel-section">
        <h3>Members ({channel.memberCount})</h3>
        {members.isLoading && <p className="messages-note">Loading…</p>}
        <MembersList members={people} myId={me.id} />
        {canAdd && <AddPeople channel={channel} memberIds={memberIds} />}
      </section>
      {channel.isMember && (
        <section className="side-panel-section">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={channel.muted ?? false}
              onChange={(event) => mute.setMuted(event.target.checked)}
            />
            <span>
              Mute channel
              <small>No notifications from it, except when you are mentioned.</small>
            </span>
          </label>
          {mute.error && <p className="form-error">{mute.error.message}</p>}
          <button
            type="button"
            className="button"
            onClick={() => leave.mutate({ channelId: channel.id })}
            disabled={leave.isPending}
          >
            Leave channel
          </button>
          {leave.error && <p className="form-error">{leave.error.message}</p>}
        </section>
      )}
    </aside>
  );
}
