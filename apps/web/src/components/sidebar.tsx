// The left column: who you are, your channels and direct messages, and channels to join.
import { useState } from 'react';
import { useChannelList } from '../hooks/use-channel-list';
import { sidebarSections } from '../lib/channel-list';
import { ChannelLink } from './channel-link';
import { CreateChannelDialog } from './create-channel-dialog';
import { NewDmDialog } from './new-dm-dialog';
import { SidebarSection } from './sidebar-section';
import { UserPanel } from './user-panel';

type OpenDialog = 'channel' | 'dm' | null;

export function Sidebar({ activeChannelId }: { activeChannelId: string | null }) {
  const { channels, isLoading, error } = useChannelList();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const sections = sidebarSections(channels);
  const close = () => setDialog(null);

  return (
    <aside className="sidebar">
      <div className="sidebar-brand">
        <span className="brand-mark" aria-hidden>
          #
        </span>
        Chat
      </div>
      <nav className="sidebar-nav" aria-label="Channels">
        {isLoading && <p className="sidebar-note">Loading…</p>}
        {error && <p className="sidebar-note sidebar-error">Could not load channels.</p>}
        <SidebarSection
          title="Channels"
          actionLabel="Create a channel"
          onAction={() => setDialog('channel')}
        >
          {sections.channels.map((channel) => (
            <ChannelLink
              key={channel.id}
              channel={channel}
              active={channel.id === activeChannelId}
            />
          ))}
          {!isLoading && sections.channels.length === 0 && (
            <p className="sidebar-note">You are in no channel yet.</p>
          )}
        </SidebarSection>
        <SidebarSection
          title="Direct messages"
          actionLabel="New direct message"
          onAction={() => setDialog('dm')}
        >
          {sections.directMessages.map((channel) => (
            <ChannelLink
              key={channel.id}
              channel={channel}
              active={channel.id === activeChannelId}
            />
          ))}
        </SidebarSection>
        {sections.more.length > 0 && (
          <SidebarSection title="More channels">
            {sections.more.map((channel) => (
              <ChannelLink
                key={channel.id}
                channel={channel}
                active={channel.id === activeChannelId}
              />
            ))}
          </SidebarSection>
        )}
      </nav>
      <UserPanel />
      {dialog === 'channel' && <CreateChannelDialog onClose={close} />}
      {dialog === 'dm' && <NewDmDialog onClose={close} />}
    </aside>
  );
}
