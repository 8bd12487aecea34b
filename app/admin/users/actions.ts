"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionRowId, systemAction } from "@/lib/actions/action";
import { createUserSchema } from "@/lib/projects/schemas";
import { passwordSchema } from "@/lib/shared/password";
import {
  clearSignInLockouts,
  createUser,
  deleteUser,
  resetPassword,
  setSysadmin,
  setUserDisabled,
} from "@/lib/users/service";

const flag = z.unknown().transform((v) => v === true);

export const createUserAction = systemAction(
  {
    system: "users.manage",
    input: createUserSchema,
    args: (_: unknown, form: FormData) => ({
      username: form.get("username"),
      password: form.get("password"),
      email: form.get("email") ?? "",
      sysadmin: form.get("sysadmin") === "on",
    }),
    success: "User created.",
  },
  async ({ system, input }) => {
    const user = await createUser(system, input);
    revalidatePath("/admin/users");
    return { username: user.username };
  },
);

export const setSysadminAction = systemAction(
  {
    system: "users.manage",
    input: z.object({ userId: actionRowId, sysadmin: flag }),
    args: (userId: number, sysadmin: boolean) => ({ userId, sysadmin }),
  },
  async ({ system, input }) => {
    await setSysadmin(system, input.userId, input.sysadmin);
    revalidatePath("/admin/users");
  },
);

export const setUserDisabledAction = systemAction(
  {
    system: "users.manage",
    input: z.object({ userId: actionRowId, disabled: flag }),
    args: (userId: number, disabled: boolean) => ({ userId, disabled }),
  },
  async ({ system, input }) => {
    await setUserDisabled(system, input.userId, input.disabled);
    revalidatePath("/admin/users");
  },
);

export const deleteUserAction = systemAction(
  { system: "users.manage", input: z.object({ userId: actionRowId }), args: (userId: number) => ({ userId }) },
  async ({ system, input }) => {
    const result = await deleteUser(system, input.userId);
    revalidatePath("/admin/users");
    return result;
  },
);

export const resetPasswordAction = systemAction(
  {
    system: "users.manage",
    input: z.object({ userId: actionRowId, newPassword: passwordSchema }),
    args: (userId: number, newPassword: unknown) => ({ userId, newPassword }),
  },
  async ({ system, input }) => {
    const result = await resetPassword(system, input.userId, input.newPassword);
    revalidatePath("/admin/users");
    return result;
  },
);

export const clearSignInLockoutAction = systemAction(
  {
    system: "users.manage",
    input: z.object({ userId: actionRowId }),
    args: (userId: number) => ({ userId }),
    success: "Sign-in lockout cleared: the user can sign in again now.",
  },
  async ({ system, input }) => {
    const result = await clearSignInLockouts(system, input.userId);
    revalidatePath("/admin/users");
    return result;
  },
);
