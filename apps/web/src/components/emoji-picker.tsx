// The emoji picker (frimousse). Its data comes from our own server (/emojibase, vendored from
// emojibase-data into the build by vite.config.ts), never from a CDN.
import { EmojiPicker as Picker } from 'frimousse';

export const emojibaseUrl = '/emojibase';

/**
 * Emoji up to this version are offered. Set, rather than detected from the browser's fonts: a
 * machine without a colour emoji font (a headless CI browser) would otherwise be offered none.
 */
const emojiVersion = 15;

export default function EmojiPicker({ onSelect }: { onSelect: (emoji: string) => void }) {
  return (
    <Picker.Root
      className="emoji-picker"
      locale="en"
      emojibaseUrl={emojibaseUrl}
      emojiVersion={emojiVersion}
      onEmojiSelect={({ emoji }) => onSelect(emoji)}
    >
      <Picker.Search className="emoji-search" aria-label="Search emoji" autoFocus />
      <Picker.Viewport className="emoji-viewport">
        <Picker.Loading className="emoji-note">Loading…</Picker.Loading>
        <Picker.Empty className="emoji-note">No emoji found.</Picker.Empty>
        <Picker.List className="emoji-list" />
      </Picker.Viewport>
    </Picker.Root>
  );
}
