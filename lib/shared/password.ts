import { z } from "zod";
import { atLeastChars, atMostChars, enter } from "@/lib/shared/input-rules";

/** The one password rule (accounts, resets, ADMIN_PASSWORD), stated the same way everywhere. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters (at most ${PASSWORD_MAX}).`;

export const passwordSchema = z
  .string(enter("a password"))
  .min(PASSWORD_MIN, atLeastChars(PASSWORD_MIN))
  .max(PASSWORD_MAX, atMostChars(PASSWORD_MAX));
