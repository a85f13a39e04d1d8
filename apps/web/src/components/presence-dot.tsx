import type { UserStatus } from '../lib/api-types';

const labels: Record<UserStatus, string> = {
  online: 'Online',
  away: 'Away',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

export function PresenceDot({
  status,
  className = '',
}: {
  status: UserStatus;
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

export const statusLabel = (status: UserStatus) => labels[status];
