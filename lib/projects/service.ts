import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { requireProject, requireSystem } from "@/lib/auth/access";
import { isProjectRole, type ProjectRole } from "@/lib/shared/roles";
import { recordAudit } from "@/lib/audit/record";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { nameContains } from "@/lib/db/filters";
import { PROJECT_NAME_MAX, type AddMemberInput, type CreateProjectInput } from "@/lib/projects/schemas";

export async function createProject(actor: Actor, input: CreateProjectInput) {
  requireSystem(actor, "project.create");
  const db = await getDb();
  try {
    return await db.$transaction(async (tx) => {
      const project = await tx.project.create({ data: { name: input.name, public: input.public } });
      if (actor.kind === "user")
        await tx.projectMember.create({ data: { projectId: project.id, userId: actor.userId, role: "projectAdmin" } });
      await recordAudit(tx, actor, "project.create", { type: "project", id: project.id, projectId: project.id });
      return project;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `a project named ${input.name} already exists`, "name");
    throw err;
  }
}

/** Projects the actor can see: all for a system admin, its memberships (and public ones) otherwise. */
export async function listProjects(actor: Actor, opts: { page: number; pageSize: number; name?: string }) {
  const db = await getDb();
  const visible =
    actor.kind === "apiKey"
      ? { id: actor.projectId }
      : actor.sysadmin
        ? {}
        : { OR: [{ public: true }, { members: { some: { userId: actor.userId } } }] };
  const where = { AND: [visible, nameContains(opts.name, PROJECT_NAME_MAX)] };
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

export async function deleteProject(actor: Actor, nameOrId: string) {
  const { project } = await requireProject(actor, nameOrId, "project.delete");
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await tx.project.delete({ where: { id: project.id } });
    await recordAudit(tx, actor, "project.delete", { type: "project", id: project.id, detail: project.name });
  });
}

export async function listMembers(actor: Actor, nameOrId: string | number) {
  const { project, role } = await requireProject(actor, nameOrId, "members.read");
  const db = await getDb();
  const members = await db.projectMember.findMany({
    where: { projectId: project.id },
    include: { user: { select: { username: true } } },
    orderBy: { user: { username: "asc" } },
  });
  return {
    project,
    role,
    members: members.map((m) => ({
      id: m.id,
      userId: m.userId,
      username: m.user.username,
      role: m.role as ProjectRole,
      createdAt: m.createdAt,
    })),
  };
}

export async function addMember(actor: Actor, nameOrId: string | number, input: AddMemberInput) {
  const { project } = await requireProject(actor, nameOrId, "members.manage");
  const db = await getDb();
  const user = await db.user.findUnique({ where: { username: input.username } });
  if (!user) throw new AppError("validation_error", `no user named ${input.username}`, "username");
  const existing = await db.projectMember.findUnique({
    where: { projectId_userId: { projectId: project.id, userId: user.id } },
  });
  if (existing) throw new AppError("conflict", `${input.username} is already a member of ${project.name}`, "username");
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

export async function updateMemberRole(actor: Actor, nameOrId: string | number, memberId: number, role: string) {
  if (!isProjectRole(role)) throw new AppError("validation_error", "unknown role", "role");
  const { project } = await requireProject(actor, nameOrId, "members.manage");
  const db = await getDb();
  const member = await db.projectMember.findFirst({ where: { id: memberId, projectId: project.id } });
  if (!member) throw notFound("member");
  await db.$transaction(async (tx) => {
    await tx.projectMember.update({ where: { id: member.id }, data: { role } });
    await recordAudit(tx, actor, "member.role", { type: "member", id: member.id, projectId: project.id, detail: role });
  });
}

export async function removeMember(actor: Actor, nameOrId: string | number, memberId: number) {
  const { project } = await requireProject(actor, nameOrId, "members.manage");
  const db = await getDb();
  const member = await db.projectMember.findFirst({ where: { id: memberId, projectId: project.id } });
  if (!member) throw notFound("member");
  await db.$transaction(async (tx) => {
    await tx.projectMember.delete({ where: { id: member.id } });
    await recordAudit(tx, actor, "member.remove", { type: "member", id: member.id, projectId: project.id });
  });
}
