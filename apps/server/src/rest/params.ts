import { schemas } from '@chat/api/server';
import { z } from 'zod';

/** `/:id` of a user, channel or message: a UUID, or 400 before any service runs. */
export const idParams = z.object({ id: schemas.uuid });
