import type { Actor } from "@/lib/auth/actor";
import { refusalMessage } from "@/lib/auth/permission-messages";
import { roleAllows, type ProjectPermission, type SystemPermission } from "@/lib/auth/permissions";
import { isProjectRole, PROJECT_ROLES, type ProjectRole } from "@/lib/shared/roles";
import { forbidden, notFound } from "@/lib/errors";
import { MAX_ROW_ID } from "@/lib/ids";
import { hasUnstorableText } from "@/lib/shared/unicode";
import { getDb, type Db } from "@/lib/db/client";
import { configSnapshot, type ConfigSnapshot } from "@/lib/db/config-cache";

export type ProjectRef = { id: number; name: string; public: boolean };
export type AccessRole = ProjectRole | "apiKey" | "sysadmin" | undefined;
type UserActor = Extract<Actor, { kind: "user" }>;
type ProjectWhere = NonNullable<NonNullable<Parameters<Db["project"]["findMany"]>[0]>["where"]>;

/** Only this module holds the token, so only its checks can issue an access value. */
const ISSUER: unique symbol = Symbol("lib/auth/access");

/**
 * Proof that `actor` passed the check for `permission` in `project`. Routes and actions get one
 * from their wrapper; services take it instead of (actor, project) and do not check again. The
 * permission is part of the type, so a read access cannot be handed to a service that changes.
 */
export class ProjectAccess<P extends ProjectPermission = ProjectPermission, A extends Actor = Actor> {
  // A private field makes the type nominal: an object literal of the same shape is not a ProjectAccess.
  readonly #issued = true;
  constructor(
    issuer: typeof ISSUER,
    readonly actor: A,
    readonly project: ProjectRef,
    readonly role: AccessRole,
    readonly permission: P,
  ) {
    if (issuer !== ISSUER || !this.#issued) throw new Error("a ProjectAccess is issued by lib/auth/access only");
  }

  /** Whether the same caller may also do `other` here (e.g. see masked secrets). */
  can(other: ProjectPermission): boolean {
    return can(this.role, other);
  }
}

/** Proof that the actor is a system admin; instance-wide permissions are theirs alone. */
export class SystemAccess {
  readonly #issued = true;
  constructor(
    issuer: typeof ISSUER,
    readonly actor: UserActor,
  ) {
    if (issuer !== ISSUER || !this.#issued) throw new Error("a SystemAccess is issued by lib/auth/access only");
  }
  get userId(): number {
    return this.actor.userId;
  }
}

/**
 * Proof that a system admin acts on the instance-wide webhooks: the shape of a ProjectAccess
 * without a project, so the webhook services (policies, history, redelivery) serve both scopes.
 * Issued from a SystemAccess only (instanceWebhookAccess).
 */
export class InstanceAccess<P extends ProjectPermission = ProjectPermission> {
  readonly #issued = true;
  readonly project = null;
  readonly role = "sysadmin" as const;
  constructor(
    issuer: typeof ISSUER,
    readonly actor: UserActor,
    readonly permission: P,
  ) {
    if (issuer !== ISSUER || !this.#issued) throw new Error("an InstanceAccess is issued by lib/auth/access only");
  }

  /** A system admin may do everything here. */
  can(_other: ProjectPermission): boolean {
    return true;
  }
}

/** Access to the webhooks of one project, or to the instance-wide ones (project null). */
export type WebhookAccess<P extends ProjectPermission = ProjectPermission> = ProjectAccess<P> | InstanceAccess<P>;

/** The instance-wide webhooks' access of a checked system admin. */
export function instanceWebhookAccess<P extends ProjectPermission>(
  system: SystemAccess,
  permission: P,
): InstanceAccess<P> {
  return new InstanceAccess(ISSUER, system.actor, permission);
}

/** The project a webhook access acts in; null for the instance-wide webhooks. */
export function webhookScopeId(access: WebhookAccess): number | null {
  return access.project?.id ?? null;
}

/**
 * The projects an actor can see, as a `where` fragment: everything for a system admin, public
 * projects and memberships for a user, its own project for an API key. The project list, the
 * exact-name lookup and the permission check all use this one rule.
 */
export function visibleProjectsWhere(actor: Actor): ProjectWhere {
  if (actor.kind === "apiKey") return { id: actor.projectId };
  if (actor.sysadmin) return {};
  return { OR: [{ public: true }, { members: { some: membershipOf(actor.userId) } }] };
}

/** Project members that give `userId` rights: the user, or a group the user is in (refreshed at sign-in). */
function membershipOf(userId: number) {
  return { OR: [{ userId }, { group: { users: { some: { userId } } } }] };
}

/**
 * Looks a project up by id or name ("library" or "3", as Harbor's API accepts); with an actor,
 * among the projects it can see only.
 */
export async function findProject(nameOrId: string | number, visibleTo?: Actor): Promise<ProjectRef | null> {
  // No project name has a NUL or an unpaired surrogate, and the database cannot compare one
  // (a URL path may carry %00, a server action argument anything).
  if (hasUnstorableText(nameOrId)) return null;
  const db = await getDb();
  const asId = typeof nameOrId === "number" ? nameOrId : /^\d+$/.test(nameOrId) ? Number(nameOrId) : undefined;
  const select = { id: true, name: true, public: true } as const;
  const visible = visibleTo ? visibleProjectsWhere(visibleTo) : {};
  // Ids are 32-bit integers (PostgreSQL refuses larger ones in a query); a longer number is a name.
  if (asId !== undefined && Number.isSafeInteger(asId) && asId > 0 && asId <= MAX_ROW_ID) {
    const byId = await db.project.findFirst({ where: { AND: [{ id: asId }, visible] }, select });
    if (byId) return byId;
  }
  return db.project.findFirst({ where: { AND: [{ name: String(nameOrId) }, visible] }, select });
}

export async function roleIn(actor: Actor, projectId: number): Promise<AccessRole> {
  if (actor.kind === "apiKey") return actor.projectId === projectId ? "apiKey" : undefined;
  if (actor.sysadmin) return "sysadmin";
  const db = await getDb();
  const rows = await db.projectMember.findMany({
    where: { projectId, ...membershipOf(actor.userId) },
    select: { role: true },
  });
  return strongestRole(rows.map((r) => r.role));
}

/**
 * A user's rights are the union of their own and their groups': roles are nested (each one's
 * permissions include the next one's), so the union is the strongest role among them.
 */
export function strongestRole(roles: string[]): ProjectRole | undefined {
  return PROJECT_ROLES.find((r) => roles.some((role) => isProjectRole(role) && role === r));
}

export function can(role: AccessRole, permission: ProjectPermission): boolean {
  return role === "sysadmin" || roleAllows(role, permission);
}

export type ProjectCheckOptions = {
  /**
   * Harbor's API tells a signed-in user that a project it cannot see exists (403, 404 only for a
   * project that does not exist). The UI and API keys answer 404, so private names do not leak.
   */
  revealToUsers?: boolean;
  /** Harbor: any signed-in user reads a public project (its metadata, not its webhooks). */
  publicReadable?: boolean;
};

/**
 * Resolves the project and checks the permission: the one place an access value is issued. A
 * project the actor cannot see answers 404 (unless `revealToUsers`); one it can see, 403.
 */
export async function requireProject<P extends ProjectPermission, A extends Actor>(
  actor: A,
  nameOrId: string | number,
  permission: P,
  opts: ProjectCheckOptions = {},
): Promise<ProjectAccess<P, A>> {
  const project = await findProject(nameOrId, actor);
  if (!project) {
    if (opts.revealToUsers && actor.kind === "user") {
      const hidden = await findProject(nameOrId);
      if (hidden) throw denied(permission);
    }
    throw notFound("project");
  }
  const role = await roleIn(actor, project.id);
  const publicRead = opts.publicReadable && project.public && actor.kind === "user";
  if (!publicRead && !can(role, permission)) throw denied(permission);
  return new ProjectAccess(ISSUER, actor, project, role, permission);
}

function denied(permission: ProjectPermission) {
  return forbidden(refusalMessage(permission));
}

/** The project of an API key, with the permission checked (the /v1 API acts in the key's own project). */
export async function requireKeyProject<P extends ProjectPermission>(
  key: Extract<Actor, { kind: "apiKey" }>,
  permission: P,
  config?: ConfigSnapshot,
): Promise<ProjectAccess<P, Extract<Actor, { kind: "apiKey" }>>> {
  // Every /v1 request reads its key's project: from memory while the configuration version
  // holds (a renamed or deleted project bumps it).
  const snapshot = config ?? (await configSnapshot());
  const project = await snapshot.memo(`project:${key.projectId}`, () => findProject(key.projectId, key));
  if (!project) throw notFound("project");
  const role = await roleIn(key, project.id);
  if (!can(role, permission)) throw denied(permission);
  return new ProjectAccess(ISSUER, key, project, role, permission);
}

export function requireSystem(actor: Actor, permission: SystemPermission): SystemAccess {
  if (actor.kind !== "user" || !actor.sysadmin) throw forbidden(refusalMessage(permission));
  return new SystemAccess(ISSUER, actor);
}
