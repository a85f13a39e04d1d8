// "Seen by Ben and Cy" under the user's latest message, in DMs and small channels.
import { useMe } from '../hooks/use-me';
import { useUser } from '../hooks/use-user';
import {
  seenBy,
  showsReceipts,
  useChannelActivity,
  withMemberMarks,
} from '../lib/channel-activity';
import type { Channel, Message } from '../lib/api-types';
import { trpc } from '../lib/trpc';

function ReaderName({ userId, last }: { userId: string; last: boolean }) {
  const user = useUser(userId);
  return (
    <>
      {user?.displayName ?? '…'}
      {last ? '' : ', '}
    </>
  );
}

export function SeenByLine({ readerIds }: { readerIds: readonly string[] }) {
  if (readerIds.length === 0) return null;
  return (
    <p className="seen-by" aria-live="polite">
      Seen by{' '}
      {readerIds.map((id, index) => (
        <ReaderName key={id} userId={id} last={index === readerIds.length - 1} />
      ))}
    </p>
  );
}

export function SeenBy({ channel, messages }: { channel: Channel; messages: readonly Message[] }) {
  const me = useMe();
  const { reads } = useChannelActivity(channel.id);
  const shown = showsReceipts(channel);
  // the same query as the members panel: at most ten members here, so one page holds them all
  const members = trpc.channels.members.useQuery(
    { channelId: channel.id, limit: 100 },
    { enabled: shown },
  );
  if (!shown) return null;
  const last = messages.at(-1);
  // only under the latest message, and only when it is the user's own
  if (!last || last.userId !== me.id) return null;
  const marks = withMemberMarks(members.data?.items ?? [], reads);
  return <SeenByLine readerIds={seenBy(marks, last.seq, me.id)} />;
}
