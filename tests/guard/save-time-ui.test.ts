// The admin UI: saving a policy whose address the guard would refuse succeeds with a warning the
// form shows under the address field; a maintainer's pages show Slack URLs masked.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async () => {
  const { unauthorized } = await import("@/lib/errors");
  const current = async () => {
    if (!session.actor) throw unauthorized("no session in this test");
    return session.actor;
  };
  return { requireUserAction: current, requireUserPage: current };
});
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const webhooks = await import("@/app/projects/[project]/webhooks/actions");
const { loadWebhooksPage, loadPolicyDetail } = await import("@/lib/webhooks-ui/loaders");

const input = (address: string, type = "http") => ({
  name: `hook-${Math.random().toString(36).slice(2, 8)}`,
  event_types: ["PUSH_ARTIFACT"],
  targets: [{ type, address, ...(type === "http" ? { payload_format: "Default" } : {}) }],
});

beforeEach(() => {
  session.actor = null;
});

describe("policy actions answer warnings for refused addresses", () => {
  it("create and update: saved, with the role's words under targets.0.address", async () => {
    const admin = await makeUser();
    const sys = await makeUser({ sysadmin: true });
    const project = await makeProject({ [admin.user.id]: "projectAdmin" });

    session.actor = admin.actor;
    const created = await webhooks.createPolicyAction(project.name, input("http://10.1.2.3/hook"));
    expect(created).toMatchObject({ ok: true });
    const data = created.ok ? created.data! : undefined;
    expect(data!.warnings).toEqual([
      {
        field: "targets.0.address",
        message:
          "10.1.2.3 is a private address (10.0.0.0/8), so deliveries to it are refused; to deliver there, ask a system admin to allow the range.",
      },
    ]);

    session.actor = sys.actor;
    const updated = await webhooks.updatePolicyAction(project.name, data!.id, input("http://172.16.0.9/hook"));
    expect(updated.ok && updated.data!.warnings).toEqual([
      {
        field: "targets.0.address",
        message:
          "172.16.0.9 is a private address (172.16.0.0/12), so deliveries to it are refused; to deliver there, allow the range in System settings → Allowed networks.",
      },
    ]);

    const fine = await webhooks.updatePolicyAction(project.name, data!.id, input("https://93.184.215.14/hook"));
    expect(fine.ok && fine.data!.warnings).toEqual([]);
  });

  it("credentials in the address are refused, naming the field", async () => {
    const admin = await makeUser();
    const project = await makeProject({ [admin.user.id]: "projectAdmin" });
    session.actor = admin.actor;
    const r = await webhooks.createPolicyAction(project.name, input("https://bot:hunter2@ci.example.com/hook"));
    expect(r).toMatchObject({ ok: false, code: "validation_error", field: "targets.0.address" });
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });
});

describe("Slack URLs on the pages", () => {
  it("a maintainer sees them masked, a project admin in full", async () => {
    const admin = await makeUser();
    const maintainer = await makeUser();
    const project = await makeProject({ [admin.user.id]: "projectAdmin", [maintainer.user.id]: "maintainer" });
    const slack = "https://hooks.slack.com/services/T0001/B0002/abcdefSECRETxyz";
    session.actor = admin.actor;
    const created = await webhooks.createPolicyAction(project.name, input(slack, "slack"));
    const id = created.ok ? created.data!.id : 0;

    const adminList = await loadWebhooksPage(project.name, {});
    expect(adminList.rows[0].targets[0].address).toBe(slack);

    session.actor = maintainer.actor;
    const list = await loadWebhooksPage(project.name, {});
    expect(list.rows[0].targets[0].address).toBe(`https://hooks.slack.com/services/T0001/B0002/${SECRET_MASK}`);
    const detail = await loadPolicyDetail(project.name, String(id), {});
    expect(detail.policy.targets[0].address).toBe(`https://hooks.slack.com/services/T0001/B0002/${SECRET_MASK}`);
    expect(JSON.stringify({ list, detail })).not.toContain("SECRET");
  });
});
