// The user's own corner: who they are, the status others see, and signing out.
import { useState } from 'react';
import { useMe } from '../hooks/use-me';
import { authStore } from '../lib/auth-store';
import { useStatus } from '../lib/presence-store';
import { trpc } from '../lib/trpc';
import { Avatar } from './avatar';
import { NotificationsButton } from './notifications-button';
import { ProfileDialog } from './profile-dialog';
import { StatusPicker } from './status-picker';

export function UserPanel() {
  const me = useMe();
  const status = useStatus(me.id, me.status);
  const logout = trpc.auth.logout.useMutation();
  const [editing, setEditing] = useState(false);

  const signOut = () => {
    const refreshToken = authStore.tokens()?.refreshToken;
    const done = () => authStore.signOut();
    // revoke the refresh token if the server can be reached; sign out here regardless
    if (refreshToken) logout.mutateAsync({ refreshToken }).then(done, done);
    else done();
  };

  return (
    <div className="user-panel">
      <Avatar userId={me.id} name={me.displayName} avatarUrl={me.avatarUrl} status={status} />
      <div className="user-panel-text">
        <strong>{me.displayName}</strong>
        <StatusPicker status={status} />
      </div>
      <NotificationsButton />
      <button
        type="button"
        className="icon-button"
        onClick={() => setEditing(true)}
        aria-label="Edit profile"
        title="Edit profile"
      >
        ✎
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={signOut}
        title="Sign out"
        aria-label="Sign out"
        disabled={logout.isPending}
      >
        ⎋
      </button>
      {editing && <ProfileDialog onClose={() => setEditing(false)} />}
    </div>
  );
}
