// A quiet line in the channel: someone joined or left.
import { useMe } from '../hooks/use-me';
import { useUser } from '../hooks/use-user';
import type { SystemLine } from '../lib/channel-activity';

export function SystemLineItem({ line }: { line: SystemLine }) {
  const me = useMe();
  const user = useUser(line.userId);
  const who = line.userId === me.id ? 'You' : (user?.displayName ?? line.username);
  return (
    <div className="system-line" role="note">
      {who} {line.kind === 'join' ? 'joined' : 'left'} the channel.
    </div>
  );
}
