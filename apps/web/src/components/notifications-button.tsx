// Asking the browser for leave to notify: only on the user's click, as browsers require.
import { useState } from 'react';
import { notificationPermission } from '../hooks/use-notifier';

const titles = {
  granted: 'Notifications are on',
  denied: 'Notifications are blocked in the browser settings',
  default: 'Turn on notifications',
  unsupported: 'This browser cannot show notifications',
} as const;

export function NotificationsButton() {
  const [permission, setPermission] = useState(notificationPermission);
  const ask = () => {
    if (permission !== 'default') return;
    void Notification.requestPermission().then(setPermission);
  };
  return (
    <button
      type="button"
      className="icon-button"
      onClick={ask}
      aria-label="Notifications"
      title={titles[permission]}
      aria-pressed={permission === 'granted'}
    >
      {permission === 'granted' ? '🔔' : '🔕'}
    </button>
  );
}
