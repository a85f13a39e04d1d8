// The channel's topic in its header, which any member can change ("Edit topic").
import { useState, type FormEvent } from 'react';
import { useUpdateChannel } from '../hooks/use-channel-list';
import type { Channel } from '../lib/api-types';
import { trpc } from '../lib/trpc';

export const topicMaxLength = 250;

export function ChannelTopic({ channel }: { channel: Channel }) {
  const [draft, setDraft] = useState<string | null>(null);
  const utils = trpc.useUtils();
  const updateChannel = useUpdateChannel();
  const update = trpc.channels.update.useMutation({
    onSuccess: (updated) => {
      updateChannel(updated.id, () => updated);
      utils.channels.get.setData({ channelId: updated.id }, updated);
      setDraft(null);
    },
  });

  if (draft !== null) {
    const save = (event: FormEvent) => {
      event.preventDefault();
      update.mutate({ channelId: channel.id, topic: draft });
    };
    return (
      <form className="topic-form" onSubmit={save}>
        <input
          aria-label="Topic"
          value={draft}
          maxLength={topicMaxLength}
          autoFocus
          placeholder="What is this channel about?"
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            event.preventDefault(); // cancels the topic edit only
            setDraft(null);
          }}
        />
        <button type="submit" disabled={update.isPending}>
          Save
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
        {update.error && <span role="alert">{update.error.message}</span>}
      </form>
    );
  }
  return (
    <span className="topic">
      {channel.topic && <span className="topic-text">{channel.topic}</span>}
      {channel.isMember && (
        <button
          type="button"
          className="link-button"
          aria-label="Edit topic"
          onClick={() => setDraft(channel.topic ?? '')}
        >
          {channel.topic ? 'Edit' : 'Add a topic'}
        </button>
      )}
    </span>
  );
}
