import { z } from "zod";
import { passwordSchema } from "@/lib/shared/password";

/** The change-password form (own password): the current one, the new one twice. */
export const changeOwnPasswordSchema = z
  .object({
    currentPassword: z.string("is required").min(1, "is required").max(1024, "is too long"),
    newPassword: passwordSchema,
    confirmPassword: z.string("is required"),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "the two new passwords do not match",
  });
export type ChangeOwnPasswordInput = z.infer<typeof changeOwnPasswordSchema>;

/** Harbor's PasswordReq: `old_password` is needed when users change their own password. */
export const harborPasswordReqSchema = z.object({
  old_password: z.string("must be a string").max(1024, "is too long").optional(),
  new_password: passwordSchema,
});

/** Harbor's UserSysAdminFlag. */
export const harborSysadminFlagSchema = z.object({ sysadmin_flag: z.boolean("must be true or false") });
