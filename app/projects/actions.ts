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
    await addMember(
      actor,
      project,
      parseWith(addMemberSchema, { username: form.get("username"), role: form.get("role") }),
    );
    revalidatePath(`/projects/${project}/members`);
    return undefined;
  }, "Member added.");
}

/**
 * A server action's arguments come from the browser as any JSON: an id that is not a positive
 * 32-bit integer matches nothing (1.5 must not be read as member 1, "x" must not reach the query).
 */
function memberIdOf(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 2_147_483_647 ? value : 0;
}

export async function updateMemberRoleAction(project: string, memberId: number, role: string): Promise<ActionResult> {
  return runAction(async () => {
    await updateMemberRole(await requireUserAction(), project, memberIdOf(memberId), role);
    revalidatePath(`/projects/${project}/members`);
    return undefined;
  }, "Role changed.");
}

export async function removeMemberAction(project: string, memberId: number): Promise<ActionResult> {
  return runAction(async () => {
    await removeMember(await requireUserAction(), project, memberIdOf(memberId));
    revalidatePath(`/projects/${project}/members`);
    return undefined;
  }, "Member removed.");
}
