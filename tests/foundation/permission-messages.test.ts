// Refusals say who may do the thing, read from the permission table, in one place.
import { describe, expect, it } from "vitest";
import { forbidden, AppError } from "@/lib/errors";
import { requireProject, requireSystem } from "@/lib/auth/access";
import { refusalMessage, whoMay } from "@/lib/auth/permission-messages";
import { PROJECT_PERMISSIONS, SYSTEM_PERMISSIONS, roleAllows, type ProjectPermission } from "@/lib/auth/permissions";
import { PROJECT_ROLES } from "@/lib/shared/roles";
import { makeProject, makeUser } from "../helpers/fixtures";

const ROLE_WORDS = {
  projectAdmin: "project admins",
  maintainer: "maintainers",
  developer: "developers",
  guest: "guests",
};

describe("permission refusals", () => {
  it.each([
    ["apiKeys.manage", "Only project admins can manage API keys."],
    ["members.manage", "Only project admins can manage members."],
    ["webhook.manage", "Only project admins can change webhooks."],
    ["webhook.read", "Only project admins and maintainers can see webhooks."],
    ["members.read", "Only project members can see the members of this project."],
    ["project.delete", "Only system admins can delete projects."],
    ["settings.manage", "Only system admins can change system settings."],
    ["users.manage", "Only system admins can manage users."],
    ["project.create", "Only system admins can create projects."],
  ] as const)("%s: %s", (permission, message) => {
    expect(refusalMessage(permission)).toBe(message);
  });

  it("every permission has a sentence, naming exactly the roles the table allows", () => {
    for (const permission of Object.keys(PROJECT_PERMISSIONS) as ProjectPermission[]) {
      const message = refusalMessage(permission);
      expect(message).toMatch(/^Only [a-z ,]+ can [a-zA-Z ]+\.$/);
      const allowed = PROJECT_ROLES.filter((r) => roleAllows(r, permission));
      const who = whoMay(permission);
      if (allowed.length === 0) expect(who).toBe("system admins");
      else if (allowed.length === PROJECT_ROLES.length) expect(who).toBe("project members");
      else for (const role of PROJECT_ROLES) expect(who.includes(ROLE_WORDS[role])).toBe(allowed.includes(role));
    }
    for (const permission of SYSTEM_PERMISSIONS) expect(refusalMessage(permission)).toMatch(/^Only system admins can /);
  });

  it("the access checks refuse with these messages (the API keeps its forbidden code)", async () => {
    const guest = await makeUser();
    const project = await makeProject({ [guest.user.id]: "guest" });
    const refusal = await requireProject(guest.actor, project.name, "apiKeys.manage").catch((e: unknown) => e);
    expect(refusal).toEqual(forbidden("Only project admins can manage API keys."));
    expect((refusal as AppError).code).toBe("forbidden");
    expect(() => requireSystem(guest.actor, "settings.manage")).toThrow(
      "Only system admins can change system settings.",
    );
  });
});
