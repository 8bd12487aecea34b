import { z } from "zod";
import { passwordSchema } from "@/lib/shared/password";
import { PROJECT_ROLES } from "@/lib/shared/roles";

export const PROJECT_NAME_MAX = 255;

// Harbor's project-name rule: lower case letters, digits and . _ - separators.
export const projectNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(PROJECT_NAME_MAX, `must be at most ${PROJECT_NAME_MAX} characters`)
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, "use lower-case letters, digits and . _ - (not at the start or end)");

export const createProjectSchema = z.object({ name: projectNameSchema, public: z.boolean().default(false) });
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9._@-]+$/, "use letters, digits and . _ @ -");

export const addMemberSchema = z.object({ username: usernameSchema, role: z.enum(PROJECT_ROLES) });
export type AddMemberInput = z.infer<typeof addMemberSchema>;

export const createUserSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  email: z
    .email("must be an e-mail address")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  sysadmin: z.boolean().default(false),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;
