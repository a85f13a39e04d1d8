import { z } from 'zod';
import { httpUrl, text } from './common.js';

export const username = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may only contain letters, digits, "_", "." and "-"');

export const password = z.string().min(8).max(256);

export const registerInput = z.object({
  username,
  email: z.email().max(254),
  password,
});
export type RegisterInput = z.infer<typeof registerInput>;

export const loginInput = z
  .object({
    username: text().min(1).max(254).optional(),
    email: text().min(1).max(254).optional(),
    password: z.string().min(1).max(256),
  })
  .refine((input) => input.username !== undefined || input.email !== undefined, {
    message: 'username or email is required',
    path: ['username'],
  });
export type LoginInput = z.infer<typeof loginInput>;

// (longer than a refresh token needs: an access token given by mistake is a 401, not a 400)
export const refreshTokenInput = z.object({ refreshToken: z.string().min(1).max(1024) });
export type RefreshTokenInput = z.infer<typeof refreshTokenInput>;

export const userStatus = z.enum(['online', 'away', 'dnd']);

export const updateProfileInput = z.object({
  displayName: text().trim().min(1).max(64).nullable().optional(),
  avatarUrl: httpUrl(2048).nullable().optional(),
  status: userStatus.optional(),
});
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;
