import { describe, expect, it } from "vitest";
import { can } from "@/lib/auth/access";
import type { ProjectPermission } from "@/lib/auth/permissions";

type Role = Parameters<typeof can>[0];
const cases: [Role, ProjectPermission, boolean][] = [
  ["sysadmin", "webhook.manage", true],
  ["projectAdmin", "webhook.manage", true],
  ["projectAdmin", "webhook.secrets", true],
  ["projectAdmin", "apiKeys.manage", true],
  ["maintainer", "webhook.read", true],
  ["maintainer", "webhook.manage", false],
  ["maintainer", "webhook.secrets", false],
  ["maintainer", "apiKeys.manage", false],
  ["developer", "webhook.read", false],
  ["guest", "webhook.read", false],
  ["guest", "members.read", true],
  ["guest", "members.manage", false],
  ["apiKey", "webhook.manage", true],
  ["apiKey", "members.manage", false],
  ["apiKey", "apiKeys.manage", false],
  [undefined, "project.read", false],
  ["projectAdmin", "project.delete", false],
  ["sysadmin", "project.delete", true],
];

describe("permission table", () => {
  it.each(cases)("%s may %s: %s", (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });
});
