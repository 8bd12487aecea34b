"use server";
import { revalidatePath } from "next/cache";
import { requireUserAction } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseWith } from "@/lib/api/route";
import { addMemberSchema, createProjectSchema } from "@/lib/projects/schemas";
import { addMember, createProject, removeMember, updateMemberRole } from "@/lib/projects/service";

export async function createProjectAction(_: unknown, form: FormData): Promise<ActionResult<{ name: string }>> {
  return runAction(async () => {
    const actor = await requireUserAction();
    const input = parseWith(createProjectSchema, { name: form.get("name"), public: form.get("public") === "on" });
    const project = await createProject(actor, input);
    revalidatePath("/projects");
    return { name: project.name };
  }, "Project created.");
}

export async function addMemberAction(project: string, _: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireUserAction();
    await addMember(actor, project, parseWith(addMemberSchema, { username: form.get("username"), role: form.get("role") }));
    revalidatePath(`/projects/${project}/members`);
    return undefined;
  }, "Member added.");
}

export async function updateMemberRoleAction(project: string, memberId: number, role: string): Promise<ActionResult> {
  return runAction(async () => {
    await updateMemberRole(await requireUserAction(), project, memberId, role);
    revalidatePath(`/projects/${project}/members`);
    return undefined;
  }, "Role changed.");
}

export async function removeMemberAction(project: string, memberId: number): Promise<ActionResult> {
  return runAction(async () => {
    await removeMember(await requireUserAction(), project, memberId);
    revalidatePath(`/projects/${project}/members`);
    return undefined;
  }, "Member removed.");
}
