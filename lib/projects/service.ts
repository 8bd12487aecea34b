import { AppError, notFound } from "@/lib/errors";
import { actorName, type Actor } from "@/lib/auth/actor";
import { visibleProjectsWhere, type ProjectAccess, type SystemAccess } from "@/lib/auth/access";
import { isProjectRole, type ProjectRole } from "@/lib/shared/roles";
import { recordAudit } from "@/lib/audit/record";
import { emitProjectEvent } from "@/lib/events/project-events";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { nameContains } from "@/lib/db/filters";
import { ensureGroup, type GroupType } from "@/lib/auth/sso/groups";
import {
  PROJECT_NAME_MAX,
  ROLE_CHOICE_MESSAGE,
  type AddMemberInput,
  type CreateProjectInput,
} from "@/lib/projects/schemas";

/** Creates a project (system admins only); its creator becomes its admin. PROJECT_CREATED follows. */
export async function createProject({ actor }: SystemAccess, input: CreateProjectInput) {
  const db = await getDb();
  try {
    const project = await db.$transaction(async (tx) => {
      const project = await tx.project.create({ data: { name: input.name, public: input.public } });
      await tx.projectMember.create({ data: { projectId: project.id, userId: actor.userId, role: "projectAdmin" } });
      await recordAudit(tx, actor, "project.create", {
        type: "project",
        id: project.id,
        projectId: project.id,
        detail: JSON.stringify({ name: project.name, public: project.public }),
      });
      return project;
    });
    await emitProjectEvent("PROJECT_CREATED", project, actor.username);
    return project;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", `A project named ${input.name} already exists. Choose another name.`, "name");
    throw err;
  }
}

/** The projects the actor can see (visibleProjectsWhere), by name. */
export async function listProjects(actor: Actor, opts: { page: number; pageSize: number; name?: string }) {
  const db = await getDb();
  const where = { AND: [visibleProjectsWhere(actor), nameContains(opts.name, PROJECT_NAME_MAX)] };
  const [total, items] = await Promise.all([
    db.project.count({ where }),
    db.project.findMany({
      where,
      orderBy: { name: "asc" },
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
      include: { _count: { select: { policies: true, members: true } } },
    }),
  ]);
  return { total, items };
}

/** The project whose name the actor asked for exactly, if it can see it (project names are unique). */
export async function findVisibleProjectByName(actor: Actor, name: string) {
  const db = await getDb();
  return db.project.findFirst({ where: { AND: [{ name }, visibleProjectsWhere(actor)] } });
}

/**
 * Deletes a project with its policies, events and history; PROJECT_DELETED is recorded after, as an
 * event of no project (lib/events/project-events.ts says why).
 */
export async function deleteProject({ actor, project }: ProjectAccess<"project.delete">) {
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await tx.project.delete({ where: { id: project.id } });
    await recordAudit(tx, actor, "project.delete", { type: "project", id: project.id, detail: project.name });
  });
  await emitProjectEvent("PROJECT_DELETED", project, actorName(actor));
}

export type MemberRow = {
  id: number;
  kind: "user" | "group";
  /** the user's or the group's id */
  entityId: number;
  /** the user name, or the group's name (an LDAP group's DN) */
  name: string;
  /** Harbor's group_type of a group member: 1 LDAP, 3 OIDC */
  groupType?: number;
  role: ProjectRole;
  createdAt: Date;
};

/** The project's members: users by name, then groups by name. */
export async function listMembers({ project, role }: ProjectAccess<"members.read">) {
  const db = await getDb();
  const rows = await db.projectMember.findMany({
    where: { projectId: project.id },
    include: { user: { select: { username: true } }, group: { select: { name: true, groupType: true } } },
  });
  const members: MemberRow[] = rows.map((m) =>
    m.group
      ? {
          id: m.id,
          kind: "group",
          entityId: m.groupId!,
          name: m.group.name,
          groupType: m.group.groupType,
          role: m.role as ProjectRole,
          createdAt: m.createdAt,
        }
      : {
          id: m.id,
          kind: "user",
          entityId: m.userId!,
          name: m.user?.username ?? "",
          role: m.role as ProjectRole,
          createdAt: m.createdAt,
        },
  );
  members.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "user" ? -1 : 1));
  return { project, role, members };
}

type MembersAccess = ProjectAccess<"members.manage">;

export async function addMember({ actor, project }: MembersAccess, input: AddMemberInput) {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { username: input.username } });
  if (!user)
    throw new AppError(
      "validation_error",
      `There is no user named ${input.username}. Check the spelling; system admins create accounts under Users.`,
      "username",
    );
  const existing = await db.projectMember.findUnique({
    where: { projectId_userId: { projectId: project.id, userId: user.id } },
  });
  if (existing)
    throw new AppError(
      "conflict",
      `${input.username} is already a member of ${project.name}; change their role in the list instead.`,
      "username",
    );
  return db.$transaction(async (tx) => {
    const member = await tx.projectMember.create({
      data: { projectId: project.id, userId: user.id, role: input.role },
    });
    await recordAudit(tx, actor, "member.add", {
      type: "member",
      id: member.id,
      projectId: project.id,
      detail: `${input.username} as ${input.role}`,
    });
    return member;
  });
}

/** Adds a group (Harbor's member_group: an LDAP group by DN, an OIDC group by name) with a role. */
export async function addGroupMember(
  { actor, project }: MembersAccess,
  input: { groupType: GroupType; name: string; role: ProjectRole },
) {
  const db = await getDb();
  try {
    return await db.$transaction(async (tx) => {
      const group = await ensureGroup(tx, input.groupType, input.name);
      const member = await tx.projectMember.create({
        data: { projectId: project.id, groupId: group.id, role: input.role },
      });
      await recordAudit(tx, actor, "member.add", {
        type: "member",
        id: member.id,
        projectId: project.id,
        detail: `group ${group.name} as ${input.role}`,
      });
      return member;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError(
        "conflict",
        `The group ${input.name} is already a member of ${project.name}; change its role in the list instead.`,
        "member_group",
      );
    throw err;
  }
}

export async function updateMemberRole({ actor, project }: MembersAccess, memberId: number, role: string) {
  if (!isProjectRole(role)) throw new AppError("validation_error", ROLE_CHOICE_MESSAGE, "role");
  const db = await getDb();
  const member = await db.projectMember.findFirst({ where: { id: memberId, projectId: project.id } });
  if (!member) throw notFound("member");
  await db.$transaction(async (tx) => {
    await tx.projectMember.update({ where: { id: member.id }, data: { role } });
    await recordAudit(tx, actor, "member.role", { type: "member", id: member.id, projectId: project.id, detail: role });
  });
}

export async function removeMember({ actor, project }: MembersAccess, memberId: number) {
  const db = await getDb();
  const member = await db.projectMember.findFirst({ where: { id: memberId, projectId: project.id } });
  if (!member) throw notFound("member");
  await db.$transaction(async (tx) => {
    await tx.projectMember.delete({ where: { id: member.id } });
    await recordAudit(tx, actor, "member.remove", { type: "member", id: member.id, projectId: project.id });
  });
}
