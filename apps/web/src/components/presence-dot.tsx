import type { ShownStatus } from '../lib/presence-store';

const labels: Record<ShownStatus, string> = {
  online: 'Online',
  away: 'Away',
  dnd: 'Do not disturb',
  offline: 'Offline',
  unknown: 'Status unknown',
};

export function PresenceDot({
  status,
  className = '',
}: {
  status: ShownStatus;
  className?: string;
}) {
  return (
    <span
      className={`presence presence-${status} ${className}`}
      title={labels[status]}
      aria-label={labels[status]}
    />
  );
}

export const statusLabel = (status: ShownStatus) => labels[status];
