// Says so when the live connection is down: messages written meanwhile wait in the outbox.
import { useBrowserOnline, useConnectionState } from '../lib/connection-store';

export function ConnectionBanner() {
  const state = useConnectionState();
  const online = useBrowserOnline();
  if (state !== 'reconnecting') return null;
  return (
    <div className="connection-banner" role="status" aria-live="polite">
      {online
        ? 'Reconnecting… Messages you write will be sent when the connection is back.'
        : 'Offline — messages will be sent when you are back.'}
    </div>
  );
}
