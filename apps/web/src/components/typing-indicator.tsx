import { useTypingText } from '../hooks/use-typing';

export function TypingIndicator({ channelId }: { channelId: string }) {
  const text = useTypingText(channelId);
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}
