// Signed out: the sign-in screen. Signed in: the chat, with a client of its own per user.
import { AuthScreen } from './components/auth-screen';
import { ApiProvider } from './components/api-provider';
import { ChatLayout } from './components/chat-layout';
import { useSession } from './lib/auth-store';

export function App() {
  const session = useSession();
  if (!session) return <AuthScreen />;
  return (
    <ApiProvider key={session.user.id}>
      <ChatLayout />
    </ApiProvider>
  );
}
