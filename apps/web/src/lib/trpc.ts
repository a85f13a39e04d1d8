// The typed React hooks of the server's router (types only: nothing of the server is bundled).
import type { AppRouter } from '@chat/api';
import { createTRPCReact } from '@trpc/react-query';

export const trpc = createTRPCReact<AppRouter>();
