import type { UserStatus } from '../lib/api-types';
import { hueOf, initials } from '../lib/format';
import { PresenceDot } from './presence-dot';

interface AvatarProps {
  userId: string;
  name: string;
  size?: 'small' | 'large';
  status?: UserStatus;
}

export function Avatar({ userId, name, size = 'large', status }: AvatarProps) {
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ backgroundColor: `hsl(${hueOf(userId)} 55% 45%)` }}
      aria-hidden
    >
      {initials(name)}
      {status && <PresenceDot status={status} className="avatar-dot" />}
    </span>
  );
}
