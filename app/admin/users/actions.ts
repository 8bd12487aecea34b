"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionRowId, systemAction } from "@/lib/actions/action";
import { createUserSchema } from "@/lib/projects/schemas";
import { createUser, setSysadmin } from "@/lib/users/service";

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
    input: z.object({ userId: actionRowId, sysadmin: z.unknown().transform((v) => v === true) }),
    args: (userId: number, sysadmin: boolean) => ({ userId, sysadmin }),
  },
  async ({ system, input }) => {
    await setSysadmin(system, input.userId, input.sysadmin);
    revalidatePath("/admin/users");
  },
);
