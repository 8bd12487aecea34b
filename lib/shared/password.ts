import { z } from "zod";

/** The one password rule (accounts, resets, ADMIN_PASSWORD), stated the same way everywhere. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters (at most ${PASSWORD_MAX}).`;

export const passwordSchema = z
  .string("is required")
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);
