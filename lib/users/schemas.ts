import { z } from "zod";
import { atMostChars, enter, TRUE_OR_FALSE } from "@/lib/shared/input-rules";
import { passwordSchema } from "@/lib/shared/password";

/** A current password longer than this cannot be right: it is refused before it is hashed. */
const CURRENT_PASSWORD_MAX = 1024;

/** The change-password form (own password): the current one, the new one twice. */
export const changeOwnPasswordSchema = z
  .object({
    currentPassword: z
      .string(enter("your current password"))
      .min(1, enter("your current password"))
      .max(CURRENT_PASSWORD_MAX, atMostChars(CURRENT_PASSWORD_MAX)),
    newPassword: passwordSchema,
    confirmPassword: z.string(enter("the new password again")),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords do not match.",
  });
export type ChangeOwnPasswordInput = z.infer<typeof changeOwnPasswordSchema>;

/** Harbor's PasswordReq: `old_password` is needed when users change their own password. */
export const harborPasswordReqSchema = z.object({
  old_password: z
    .string(enter("the current password as text"))
    .max(CURRENT_PASSWORD_MAX, atMostChars(CURRENT_PASSWORD_MAX))
    .optional(),
  new_password: passwordSchema,
});

/** Harbor's UserSysAdminFlag. */
export const harborSysadminFlagSchema = z.object({ sysadmin_flag: z.boolean(TRUE_OR_FALSE) });
