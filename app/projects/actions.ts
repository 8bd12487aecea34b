"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionRowId, projectAction, systemAction } from "@/lib/actions/action";
import { addGroupMemberSchema, addMemberSchema, createProjectSchema } from "@/lib/projects/schemas";
import { addGroupMember, addMember, createProject, removeMember, updateMemberRole } from "@/lib/projects/service";

function refreshMembers(project: string) {
  revalidatePath(`/projects/${project}/members`);
}

export const createProjectAction = systemAction(
  {
    system: "project.create",
    input: createProjectSchema,
    args: (_: unknown, form: FormData) => ({ name: form.get("name"), public: form.get("public") === "on" }),
    success: "Project created.",
  },
  async ({ system, input }) => {
    const project = await createProject(system, input);
    revalidatePath("/projects");
    return { name: project.name };
  },
);

export const addMemberAction = projectAction(
  {
    permission: "members.manage",
    input: addMemberSchema,
    args: (_: unknown, form: FormData) => ({ username: form.get("username"), role: form.get("role") }),
    success: "Member added.",
  },
  async ({ access, input }) => {
    await addMember(access, input);
    refreshMembers(access.project.name);
  },
);

export const addGroupMemberAction = projectAction(
  {
    permission: "members.manage",
    input: addGroupMemberSchema,
    args: (_: unknown, form: FormData) => ({
      groupType: form.get("groupType"),
      name: form.get("name"),
      role: form.get("role"),
    }),
    success: "Group added.",
  },
  async ({ access, input }) => {
    await addGroupMember(access, { groupType: input.groupType, name: input.name, role: input.role });
    refreshMembers(access.project.name);
  },
);

export const updateMemberRoleAction = projectAction(
  {
    permission: "members.manage",
    // The role is judged by the service, which names the field "role".
    input: z.object({ memberId: actionRowId, role: z.unknown() }),
    args: (memberId: number, role: string) => ({ memberId, role }),
    success: "Role changed.",
  },
  async ({ access, input }) => {
    await updateMemberRole(access, input.memberId, String(input.role));
    refreshMembers(access.project.name);
  },
);

export const removeMemberAction = projectAction(
  {
    permission: "members.manage",
    input: z.object({ memberId: actionRowId }),
    args: (memberId: number) => ({ memberId }),
    success: "Member removed.",
  },
  async ({ access, input }) => {
    await removeMember(access, input.memberId);
    refreshMembers(access.project.name);
  },
);
