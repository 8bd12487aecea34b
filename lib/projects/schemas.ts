import { z } from "zod";
import { requiredText, TRUE_OR_FALSE } from "@/lib/shared/input-rules";
import { passwordSchema } from "@/lib/shared/password";
import { PROJECT_ROLES, ROLE_LABELS } from "@/lib/shared/roles";

export const PROJECT_NAME_MAX = 255;

// Harbor's project-name rule: lower case letters, digits and . _ - separators.
export const projectNameSchema = requiredText("a project name", PROJECT_NAME_MAX).regex(
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
  "Use lower-case letters and digits, with single '.', '_' or '-' between them, for example team-a.",
);

export const createProjectSchema = z.object({
  name: projectNameSchema,
  public: z.boolean(TRUE_OR_FALSE).default(false),
});
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const usernameSchema = requiredText("a user name", 64).regex(
  /^[A-Za-z0-9._@-]+$/,
  "Use letters, digits, '.', '_', '@' or '-', without spaces.",
);

const roleList = PROJECT_ROLES.map((r) => ROLE_LABELS[r]);
export const ROLE_CHOICE_MESSAGE = `Choose a role: ${roleList.slice(0, -1).join(", ")} or ${roleList.at(-1)}.`;

export const addMemberSchema = z.object({ username: usernameSchema, role: z.enum(PROJECT_ROLES, ROLE_CHOICE_MESSAGE) });
export type AddMemberInput = z.infer<typeof addMemberSchema>;

/** A group as a member: an LDAP group by its DN (Harbor's group_type 1) or an OIDC group by name (3). */
export const addGroupMemberSchema = z.object({
  groupType: z.enum(["1", "3"], "Choose LDAP group or OIDC group.").transform((t) => (t === "1" ? 1 : 3) as 1 | 3),
  name: requiredText("the group's name or DN", 1024),
  role: z.enum(PROJECT_ROLES, ROLE_CHOICE_MESSAGE),
});
export type AddGroupMemberInput = z.infer<typeof addGroupMemberSchema>;

const EMAIL_MESSAGE = "Enter an e-mail address such as name@example.com, or leave it empty.";

export const createUserSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  email: z.union([z.email(EMAIL_MESSAGE), z.literal("").transform(() => undefined)], EMAIL_MESSAGE).optional(),
  sysadmin: z.boolean(TRUE_OR_FALSE).default(false),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;
