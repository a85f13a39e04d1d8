// Writing a message: Enter sends, Shift+Enter breaks the line; keystrokes announce typing.
import { useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { useDmPeople } from '../hooks/use-dm-people';
import { useSendMessage } from '../hooks/use-send-message';
import { useAnnounceTyping } from '../hooks/use-typing';
import { useMe } from '../hooks/use-me';
import { limits } from '@chat/api/schemas/common';
import { useUploads } from '../hooks/use-uploads';
import { AttachButton, DraftUploads } from './attach-button';
import type { Channel } from '../lib/api-types';
import { requestEdit } from '../lib/edit-request';
import { isTopLevel } from '../lib/threads';
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
  const files = useUploads();
  const canSend = (draft.trim() !== '' || files.ready.length > 0) && !files.busy;

  const submit = () => {
    const content = draft.trim();
    if (!canSend) return;
    send(
      content,
      undefined,
      files.ready.map((file) => file.id),
    );
    setDraft('');
    files.clear();
  };
  const onDrop = (event: DragEvent<HTMLFormElement>) => {
    if (event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    files.add(event.dataTransfer.files);
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    files.add(event.clipboardData.files);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Up in an empty composer edits the user's last message
    if (event.key === 'ArrowUp' && !draft) {
      const own = messageStore
        .get(channelId)
        // (a reply is edited in its thread: the channel's list does not show it)
        .messages.findLast(
          (message) => message.userId === me.id && !message.deleted && isTopLevel(message),
        );
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
      onDragOver={(event) => event.preventDefault()}
      onDrop={onDrop}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <DraftUploads uploads={files.uploads} onRemove={files.remove} />
      <AttachButton onFiles={files.add} />
      <textarea
        onPaste={onPaste}
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
      <button type="submit" className="button button-primary" disabled={!canSend}>
        Send
      </button>
    </form>
  );
}
