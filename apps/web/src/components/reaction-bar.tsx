// The reactions under a message: one chip per emoji with its count and, on hover, who reacted;
// a click on a chip adds or takes back the user's own.
import { useReact } from '../hooks/use-react';
import { useMe } from '../hooks/use-me';
import { useUserNames } from '../hooks/use-user-names';
import type { Message } from '../lib/api-types';

export function ReactionBar({ message }: { message: Message }) {
  const me = useMe();
  const { react } = useReact(message);
  const names = useUserNames([...new Set(message.reactions.flatMap((r) => r.userIds))]);
  if (message.reactions.length === 0 || message.deleted) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {message.reactions.map((reaction) => {
        const mine = reaction.userIds.includes(me.id);
        const who = reaction.userIds
          .map((id) => (id === me.id ? 'you' : (names.get(id) ?? 'someone')))
          .join(', ');
        return (
          <li key={reaction.emoji}>
            <button
              type="button"
              className={`reaction-chip ${mine ? 'reaction-mine' : ''}`}
              aria-pressed={mine}
              aria-label={`${reaction.emoji} ${reaction.count}, reacted by ${who}`}
              title={`Reacted by ${who}`}
              onClick={() => react(reaction.emoji, mine ? 'remove' : 'add')}
            >
              <span className="reaction-emoji">{reaction.emoji}</span>
              <span className="reaction-count">{reaction.count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
