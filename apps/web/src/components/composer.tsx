// Writing a message: Enter sends, Shift+Enter breaks the line; keystrokes announce typing.
import { useState, type KeyboardEvent } from 'react';
import { useDmPeople } from '../hooks/use-dm-people';
import { useSendMessage } from '../hooks/use-send-message';
import { useAnnounceTyping } from '../hooks/use-typing';
import { useMe } from '../hooks/use-me';
import { limits } from '@chat/api/schemas/common';
import type { Channel } from '../lib/api-types';
import { requestEdit } from '../lib/edit-request';
import { messageStore } from '../lib/message-store';

function usePlaceholder(channel: Channel): string {
  const people = useDmPeople(channel.id);
  if (channel.kind === 'channel') return `Message #${channel.name ?? ''}`;
  return `Message ${people.map((user) => user.displayName).join(', ')}`;
}

export function Composer({ channelId, channel }: { channelId: string; channel: Channel }) {
  const [draft, setDraft] = useState('');
  const send = useSendMessage(channelId);
  const announceTyping = useAnnounceTyping(channelId);
  const placeholder = usePlaceholder(channel);
  const me = useMe();

  const submit = () => {
    const content = draft.trim();
    if (!content) return;
    send(content);
    setDraft('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Up in an empty composer edits the user's last message
    if (event.key === 'ArrowUp' && !draft) {
      const own = messageStore
        .get(channelId)
        .messages.findLast((message) => message.userId === me.id && !message.deleted);
      if (own) {
        event.preventDefault();
        requestEdit(own.id);
      }
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value) announceTyping();
        }}
        onKeyDown={onKeyDown}
        placeholder={placeholder}
        maxLength={limits.messageLength}
        rows={Math.min(8, draft.split('\n').length)}
        aria-label="Message"
        autoFocus
      />
      <button type="submit" className="button button-primary" disabled={!draft.trim()}>
        Send
      </button>
    </form>
  );
}
