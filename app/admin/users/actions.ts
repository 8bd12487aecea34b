"use server";
import { revalidatePath } from "next/cache";
import { requireUserAction } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseWith } from "@/lib/api/route";
import { createUserSchema } from "@/lib/projects/schemas";
import { createUser, setSysadmin } from "@/lib/users/service";

export async function createUserAction(_: unknown, form: FormData): Promise<ActionResult<{ username: string }>> {
  return runAction(async () => {
    const actor = await requireUserAction();
    const input = parseWith(createUserSchema, {
      username: form.get("username"),
      password: form.get("password"),
      email: form.get("email") ?? "",
      sysadmin: form.get("sysadmin") === "on",
    });
    const user = await createUser(actor, input);
    revalidatePath("/admin/users");
    return { username: user.username };
  }, "User created.");
}

export async function setSysadminAction(userId: number, sysadmin: boolean): Promise<ActionResult> {
  return runAction(async () => {
    await setSysadmin(await requireUserAction(), userId, sysadmin);
    revalidatePath("/admin/users");
    return undefined;
  });
}
