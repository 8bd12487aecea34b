import { z } from "zod";
import { HARBOR_ROLE_IDS, type ProjectRole } from "@/lib/shared/roles";
import { TRUE_OR_FALSE } from "@/lib/shared/input-rules";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import {
  createUserSchema,
  projectNameSchema,
  usernameSchema,
  type CreateProjectInput,
  type CreateUserInput,
} from "@/lib/projects/schemas";

/**
 * Harbor's request bodies, validated with the shared field schemas and turned into the inputs of
 * our services. Unknown fields (Harbor's storage_limit, registry_id, cve_allowlist…) are ignored,
 * so Harbor clients such as Terraform's provider can send what they always send.
 */

// Harbor stores project metadata as strings and reads them with Go's strconv.ParseBool.
const TRUE_STRINGS = ["1", "t", "T", "TRUE", "true", "True"];
const FALSE_STRINGS = ["0", "f", "F", "FALSE", "false", "False"];
const harborBool = z
  .union([z.boolean(), z.enum([...TRUE_STRINGS, ...FALSE_STRINGS])], 'must be "true" or "false"')
  .transform((v) => v === true || TRUE_STRINGS.includes(String(v)));

export const harborProjectInputSchema = z
  .object({
    project_name: projectNameSchema,
    /** deprecated in Harbor in favour of metadata.public, still sent by older clients */
    public: z.boolean("must be true or false").optional(),
    metadata: z.looseObject({ public: harborBool.optional() }, "must be an object").optional(),
  })
  .transform((v): CreateProjectInput => ({ name: v.project_name, public: v.metadata?.public ?? v.public ?? false }));

const roleId = z
  .number("must be 1 (projectAdmin), 2 (developer), 3 (guest) or 4 (maintainer)")
  .refine((id) => id in HARBOR_ROLE_IDS, "must be 1 (projectAdmin), 2 (developer), 3 (guest) or 4 (maintainer)")
  .transform((id): ProjectRole => HARBOR_ROLE_IDS[id]);

/** Harbor's UserGroup in a member request: an existing group by id, an LDAP group by DN, an OIDC group by name. */
const memberGroupSchema = z
  .object(
    {
      id: z.number("must be a group id").int().positive().optional(),
      group_type: z.union([z.literal(1), z.literal(3)], "must be 1 (LDAP group) or 3 (OIDC group)").optional(),
      group_name: z
        .string("must be text")
        .trim()
        .min(1, "must not be empty")
        .max(255, "must be at most 255 characters")
        .optional(),
      ldap_group_dn: z
        .string("must be text")
        .trim()
        .min(3, "must be a DN such as cn=devs,ou=groups,dc=example,dc=org")
        .max(1024, "must be at most 1024 characters")
        .optional(),
    },
    "must be an object: {group_type, group_name} or {group_type: 1, ldap_group_dn} or {id}",
  )
  .superRefine((g, ctx) => {
    if (g.id !== undefined) return;
    if (g.group_type === undefined)
      ctx.addIssue({ code: "custom", path: ["group_type"], message: "is required: 1 (LDAP group) or 3 (OIDC group)" });
    else if (g.group_type === 1 && !g.ldap_group_dn)
      ctx.addIssue({
        code: "custom",
        path: ["ldap_group_dn"],
        message: "is required for an LDAP group (group_type 1)",
      });
    else if (g.group_type === 3 && !g.group_name)
      ctx.addIssue({ code: "custom", path: ["group_name"], message: "is required for an OIDC group (group_type 3)" });
  });
export type HarborMemberGroupInput = z.infer<typeof memberGroupSchema>;

export const harborMemberInputSchema = z
  .object({
    role_id: roleId,
    member_user: z
      .object(
        { username: usernameSchema.optional(), user_id: z.number().int().positive().optional() },
        "is required: {username} or {user_id}",
      )
      .refine((u) => u.username !== undefined || u.user_id !== undefined, "needs a username or a user_id")
      .optional(),
    member_group: memberGroupSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.member_user && !v.member_group)
      ctx.addIssue({
        code: "custom",
        path: ["member_user"],
        message: "is required: {username} or {user_id} (or a member_group)",
      });
    if (v.member_user && v.member_group)
      ctx.addIssue({
        code: "custom",
        path: ["member_group"],
        message: "give a member_user or a member_group, not both",
      });
  });
export type HarborMemberInput = z.infer<typeof harborMemberInputSchema>;

export const harborMemberUpdateSchema = z.object({ role_id: roleId });

export const harborUserInputSchema = createUserSchema
  .omit({ sysadmin: true })
  .extend({
    realname: z.string().max(255, "must be at most 255 characters").optional(),
    comment: z.string().max(1024, "must be at most 1024 characters").optional(),
    /** our extension: Harbor grants admin with a separate call */
    sysadmin_flag: z.boolean("must be true or false").optional(),
  })
  .transform(({ username, password, email, sysadmin_flag }): CreateUserInput => ({
    username,
    password,
    email,
    sysadmin: sysadmin_flag ?? false,
  }));

export const executionPatchSchema = z.object({
  status: z.literal("Stopped", 'only "Stopped" can be set: {"status":"Stopped"}'),
});

const instant = z.iso
  .datetime({ offset: true, message: "Enter a date and time such as 2026-01-31T12:00:00Z (ISO 8601)." })
  .transform((v) => new Date(v));

export const redeliverRangeSchema = z
  .object({ from: instant, to: instant, include_stopped: z.boolean(TRUE_OR_FALSE).default(false) })
  .refine((r) => r.from <= r.to, { message: "Choose an end (to) that is not before the start (from).", path: ["to"] });

export const resumeTargetsSchema = z.strictObject({
  address: z
    .string()
    .min(1)
    .optional()
    .describe("The target to resume (its address); every paused target of the policy when left out"),
  redeliver: z
    .boolean(TRUE_OR_FALSE)
    .default(false)
    .describe("Also deliver again what ended in error since the target started failing (or was paused)"),
});

/**
 * Harbor's PUT carries the whole policy, but clients that read it back got the auth header masked
 * (or nothing, for roles that see no secrets). An http target without `auth_header` therefore keeps
 * the stored header, exactly as the mask does.
 */
export function keepMissingAuthHeaders(body: unknown): unknown {
  if (!body || typeof body !== "object" || !Array.isArray((body as { targets?: unknown }).targets)) return body;
  const b = body as { targets: unknown[] };
  return {
    ...b,
    targets: b.targets.map((t) =>
      t &&
      typeof t === "object" &&
      (t as { type?: unknown }).type === "http" &&
      (t as { auth_header?: unknown }).auth_header === undefined
        ? { ...t, auth_header: SECRET_MASK }
        : t,
    ),
  };
}
