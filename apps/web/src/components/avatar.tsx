// A face: the user's avatar image, or their initials on their colour when there is none (or it
// does not load).
import { useState } from 'react';
import { hueOf, initials } from '../lib/format';
import type { ShownStatus } from '../lib/presence-store';
import { PresenceDot } from './presence-dot';

interface AvatarProps {
  userId: string;
  name: string;
  avatarUrl?: string | null;
  size?: 'small' | 'large';
  status?: ShownStatus;
}

export function Avatar({ userId, name, avatarUrl, size = 'large', status }: AvatarProps) {
  const [brokenUrl, setBrokenUrl] = useState<string | null>(null);
  const image = avatarUrl && avatarUrl !== brokenUrl ? avatarUrl : null;
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ backgroundColor: `hsl(${hueOf(userId)} 55% 45%)` }}
      aria-hidden
    >
      {image ? (
        <img
          className="avatar-image"
          src={image}
          alt=""
          referrerPolicy="no-referrer"
          onError={() => setBrokenUrl(image)}
        />
      ) : (
        initials(name)
      )}
      {status && <PresenceDot status={status} className="avatar-dot" />}
    </span>
  );
}
