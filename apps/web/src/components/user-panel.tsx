// The user's own corner: who they are, the status others see, and signing out.
import { useMe } from '../hooks/use-me';
import { authStore } from '../lib/auth-store';
import { useStatus } from '../lib/presence-store';
import { trpc } from '../lib/trpc';
import { Avatar } from './avatar';
import { StatusPicker } from './status-picker';

export function UserPanel() {
  const me = useMe();
  const status = useStatus(me.id, me.status);
  const logout = trpc.auth.logout.useMutation();

  const signOut = () => {
    const refreshToken = authStore.tokens()?.refreshToken;
    const done = () => authStore.signOut();
    // revoke the refresh token if the server can be reached; sign out here regardless
    if (refreshToken) logout.mutateAsync({ refreshToken }).then(done, done);
    else done();
  };

  return (
    <div className="user-panel">
      <Avatar userId={me.id} name={me.displayName} status={status} />
      <div className="user-panel-text">
        <strong>{me.displayName}</strong>
        <StatusPicker status={status} />
      </div>
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
    </div>
  );
}
