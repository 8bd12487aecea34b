// Every input rule of the schemas the forms and the APIs share speaks to people: a sentence that says
// what to enter, never zod's default ("Invalid input: expected string, received undefined",
// "Too small: expected number to be >=1", "Invalid string: must match pattern /^[a-z0-9]…/").
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { AppError, notFound } from "@/lib/errors";
import { formMessage } from "@/lib/actions/result";
import { parseInput } from "@/lib/api/input";
import { createApiKeySchema } from "@/lib/api-keys/service";
import { redeliverRangeSchema } from "@/lib/harbor-api/inputs";
import { addMemberSchema, createProjectSchema, createUserSchema } from "@/lib/projects/schemas";
import { settingsInputSchema } from "@/lib/settings/update";
import { passwordSchema } from "@/lib/shared/password";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { retryPolicySchema } from "@/lib/shared/retry-policy";
import { testEventSchema } from "@/lib/shared/test-event";
import { changeOwnPasswordSchema, harborPasswordReqSchema, harborSysadminFlagSchema } from "@/lib/users/schemas";

/** What zod says when a rule has no message of its own. */
function looksLikeZodDefault(message: string): boolean {
  return (
    /^(Invalid|Too (small|big)|Unrecognized key)\b/.test(message) ||
    /\b(expected|received|regex)\b/i.test(message) ||
    /pattern \//.test(message)
  );
}

/** A sentence: a capital letter (or a quoted value) first, a full stop last. */
const isSentence = (message: string) => /^[A-Z"]/.test(message) && /\.$/.test(message);

/** Each schema with a valid input that sets every field, so every field can be spoiled in turn. */
const SCHEMAS: Record<string, { schema: z.ZodType; valid: unknown }> = {
  policy: {
    schema: policyInputSchema,
    valid: {
      name: "ci",
      description: "builds",
      enabled: true,
      event_types: ["PUSH_ARTIFACT"],
      targets: [
        {
          type: "http",
          address: "https://ci.example.com/hook",
          auth_header: "Bearer x",
          skip_cert_verify: false,
          payload_format: "Default",
        },
      ],
      repository_pattern: "library/*",
      tag_pattern: "v*",
      retry_policy: { max_attempts: 3, backoff_base_ms: 1000, backoff_cap_ms: 60_000, timeout_ms: 3000 },
    },
  },
  retryPolicy: {
    schema: retryPolicySchema,
    valid: { max_attempts: 3, backoff_base_ms: 1000, backoff_cap_ms: 60_000, timeout_ms: 3000 },
  },
  password: { schema: passwordSchema, valid: "long-enough-1" },
  testEvent: { schema: testEventSchema, valid: { eventType: "PUSH_ARTIFACT" } },
  createProject: { schema: createProjectSchema, valid: { name: "team-a", public: true } },
  addMember: { schema: addMemberSchema, valid: { username: "alice", role: "developer" } },
  createUser: {
    schema: createUserSchema,
    valid: { username: "alice", password: "long-enough-1", email: "alice@example.com", sysadmin: false },
  },
  changeOwnPassword: {
    schema: changeOwnPasswordSchema,
    valid: { currentPassword: "old-one-123", newPassword: "new-one-1234", confirmPassword: "new-one-1234" },
  },
  harborPassword: {
    schema: harborPasswordReqSchema,
    valid: { old_password: "old-one-123", new_password: "new-one-1234" },
  },
  harborSysadmin: { schema: harborSysadminFlagSchema, valid: { sysadmin_flag: true } },
  settings: {
    schema: settingsInputSchema,
    valid: {
      webhooksEnabled: true,
      maxAttempts: "3",
      httpTimeoutSeconds: "3",
      allowedNetworks: "10.0.0.0/8",
      retentionCount: "100",
      retentionDays: "30",
      destinationLimit: "50",
      signingOverlapHours: "24",
      registryToken: "a-token-long-enough",
    },
  },
  createApiKey: { schema: createApiKeySchema, valid: { mode: "live", name: "CI" } },
  redeliverRange: {
    schema: redeliverRangeSchema,
    valid: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", include_stopped: false },
  },
};

/** Values a browser or an API client may send in place of any field. */
const BAD_VALUES: unknown[] = [
  undefined,
  null,
  "",
  "   ",
  "x".repeat(5000),
  "Not Valid ✓ [",
  "https://user:pw@example.com/",
  -1,
  0,
  1.5,
  1e12,
  Number.NaN,
  true,
  {},
  [],
  ["NOT_AN_EVENT"],
];

type Path = (string | number)[];

/** Every place in a value (the value itself, each object field, each array element), with its path. */
function paths(value: unknown, at: Path = []): Path[] {
  const inner =
    value && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => paths(v, [...at, Array.isArray(value) ? Number(k) : k]))
      : [];
  return [at, ...inner];
}

function replaced(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]] = replaced(copy[path[0]], path.slice(1), next);
  return copy;
}

/**
 * The messages a schema gives for every bad value at every place of its valid input (arrays also too
 * long). A whole input that is not an object is left out: the forms always send one, and the APIs
 * refuse a body that is not a JSON object before any schema sees it (lib/api/body.ts).
 */
function messagesFor(schema: z.ZodType, valid: unknown): { input: string; message: string }[] {
  const found: { input: string; message: string }[] = [];
  const places = typeof valid === "object" ? paths(valid).slice(1) : paths(valid);
  for (const path of places) {
    const here = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], valid);
    const tries = Array.isArray(here) ? [...BAD_VALUES, Array(11).fill(here[0])] : BAD_VALUES;
    for (const bad of tries) {
      const r = schema.safeParse(replaced(valid, path, bad));
      for (const issue of r.error?.issues ?? [])
        found.push({
          input: `${path.join(".") || "(whole)"} = ${JSON.stringify(bad)?.slice(0, 40)}`,
          message: issue.message,
        });
    }
  }
  return found;
}

/** Sample refusals with their exact message: the API's (field in front) and the form's. */
const REFUSALS: [z.ZodType, unknown, string, string][] = [
  [
    createProjectSchema,
    { name: "Team A" },
    "name",
    "Use lower-case letters and digits, with single '.', '_' or '-' between them, for example team-a.",
  ],
  [createProjectSchema, {}, "name", "Enter a project name."],
  [createProjectSchema, { name: "x".repeat(256) }, "name", "Use at most 255 characters."],
  [
    addMemberSchema,
    { username: "has space", role: "developer" },
    "username",
    "Use letters, digits, '.', '_', '@' or '-', without spaces.",
  ],
  [
    addMemberSchema,
    { username: "alice", role: "owner" },
    "role",
    "Choose a role: Project admin, Maintainer, Developer or Guest.",
  ],
  [createUserSchema, { username: "alice", password: "short" }, "password", "Use at least 8 characters."],
  [
    createUserSchema,
    { username: "alice", password: "long-enough", email: "nope" },
    "email",
    "Enter an e-mail address such as name@example.com, or leave it empty.",
  ],
  [
    changeOwnPasswordSchema,
    { currentPassword: "a", newPassword: "new-one-1234", confirmPassword: "other-12345" },
    "confirmPassword",
    "The two new passwords do not match.",
  ],
  [
    changeOwnPasswordSchema,
    { currentPassword: "", newPassword: "new-one-1234", confirmPassword: "new-one-1234" },
    "currentPassword",
    "Enter your current password.",
  ],
  [policyInputSchema, { ...(SCHEMAS.policy.valid as object), name: " " }, "name", "Enter a name."],
  [
    policyInputSchema,
    { ...(SCHEMAS.policy.valid as object), event_types: [] },
    "event_types",
    "Choose at least one event type.",
  ],
  [policyInputSchema, { ...(SCHEMAS.policy.valid as object), targets: [] }, "targets", "Add at least one target."],
  [
    policyInputSchema,
    { ...(SCHEMAS.policy.valid as object), tag_pattern: "v".repeat(257) },
    "tag_pattern",
    "Use at most 256 characters.",
  ],
  [
    policyInputSchema,
    { ...(SCHEMAS.policy.valid as object), targets: [{ type: "http", address: "ftp://x" }] },
    "targets.0.address",
    "Enter a URL that starts with http:// or https://, such as https://ci.example.com/hook.",
  ],
  [retryPolicySchema, { max_attempts: 0 }, "max_attempts", "Enter a whole number from 1 to 20."],
  [retryPolicySchema, { timeout_ms: 100 }, "timeout_ms", "Enter a whole number of milliseconds from 500 to 60,000."],
  [
    settingsInputSchema,
    { ...(SCHEMAS.settings.valid as object), retentionCount: "5" },
    "retentionCount",
    "Enter a whole number from 10 to 1,000,000.",
  ],
  [
    settingsInputSchema,
    { ...(SCHEMAS.settings.valid as object), httpTimeoutSeconds: "abc" },
    "httpTimeoutSeconds",
    "Enter a number of seconds from 0.5 to 60.",
  ],
  [createApiKeySchema, { mode: "prod" }, "mode", "Choose live or test."],
  [createApiKeySchema, { mode: "live", name: "x".repeat(101) }, "name", "Use at most 100 characters."],
];

describe("input messages", () => {
  it.each(Object.entries(SCHEMAS))("%s: the valid input passes", (_, { schema, valid }) => {
    expect(schema.safeParse(valid).error?.issues).toBeUndefined();
  });

  it.each(Object.entries(SCHEMAS))("%s: every refusal is a sentence for people, not zod's default", (_, s) => {
    const messages = messagesFor(s.schema, s.valid);
    expect(messages.length).toBeGreaterThan(0);
    const bad = messages.filter((m) => looksLikeZodDefault(m.message) || !isSentence(m.message));
    expect(bad).toEqual([]);
  });

  it("the check itself recognises zod's defaults", () => {
    expect(looksLikeZodDefault("Invalid input: expected string, received undefined")).toBe(true);
    expect(looksLikeZodDefault("Too small: expected number to be >=1")).toBe(true);
    expect(looksLikeZodDefault("Invalid string: must match pattern /^[a-z0-9]+$/")).toBe(true);
    expect(looksLikeZodDefault('Invalid option: expected one of "live"|"test"')).toBe(true);
    expect(looksLikeZodDefault("Use at most 256 characters.")).toBe(false);
  });

  it.each(REFUSALS.map(([schema, input, field, message]) => ({ schema, input, field, message })))(
    "$field: $message",
    ({ schema, input, field, message }) => {
      // The APIs answer the same sentence with the field in front, as a validation error naming the field.
      const err = (() => {
        try {
          parseInput(schema, input);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "validation_error", field, message: `${field}: ${message}` });
      // The forms show it next to the field, without the prefix.
      expect(formMessage(err as AppError)).toBe(message);
    },
  );

  it("forms get sentences for errors written for the APIs", () => {
    expect(formMessage(notFound("member"))).toBe("Member not found.");
    expect(formMessage(new AppError("validation_error", "allowedNetworks: Bad.", "allowedNetworks"))).toBe("Bad.");
  });
});
