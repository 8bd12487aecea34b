// Who may open the instance-wide webhook pages (system admins only; everyone else the forbidden
// page), that they show instance-wide webhooks and never a project's (and the reverse), and the
// read-only coverage on a project's Webhooks page: its admins and system admins, nobody else. The
// session is replaced by a settable actor.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { instanceWebhookAccess, requireProject, requireSystem } from "@/lib/auth/access";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser, uid } from "../helpers/fixtures";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", () => ({
  requireUserPage: async () => {
    if (!session.actor) throw new Error("no session in this test");
    return session.actor;
  },
}));

const {
  loadInstanceExecutionDetail,
  loadInstancePolicyDetail,
  loadInstancePolicyForm,
  loadInstanceTaskLog,
  loadInstanceWebhooksPage,
  loadPolicyDetail,
  loadWebhooksPage,
} = await import("@/lib/webhooks-ui/loaders");

/** next/navigation's notFound() and redirect() throw errors whose digest names what they do. */
const NOT_FOUND = { digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) };
const FORBIDDEN = { digest: expect.stringMatching(/^NEXT_REDIRECT;replace;\/forbidden\?what=webhooks\.instance;/) };

const input = (name: string, extra: Record<string, unknown> = {}) =>
  policyInputSchema.parse({
    name,
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: "http://127.0.0.1:9/secret-path", auth_header: "Bearer page-secret" }],
    ...extra,
  });

async function setup() {
  const sys = await makeUser({ sysadmin: true });
  const admin = await makeUser();
  const maintainer = await makeUser();
  const project = await makeProject({ [admin.user.id]: "projectAdmin", [maintainer.user.id]: "maintainer" });
  const own = (await createPolicy(await requireProject(sys.actor, project.id, "webhook.manage"), input("own"))).policy;
  const access = instanceWebhookAccess(requireSystem(sys.actor, "webhooks.instance"), "webhook.manage");
  const covering = (await createPolicy(access, input(`covering-${uid()}`, { project_pattern: project.name }))).policy;
  const elsewhere = (await createPolicy(access, input(`elsewhere-${uid()}`, { project_pattern: "nothing-*" }))).policy;
  await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
  return { sys, admin, maintainer, project, own, covering, elsewhere };
}

beforeEach(() => {
  session.actor = null;
});

describe("the instance-wide webhook pages", () => {
  it("are the system admins': everyone else gets the forbidden page", async () => {
    const w = await setup();
    const id = String(w.covering.id);
    for (const who of [w.admin, w.maintainer]) {
      session.actor = who.actor;
      await expect(loadInstanceWebhooksPage({})).rejects.toMatchObject(FORBIDDEN);
      await expect(loadInstancePolicyDetail(id, {})).rejects.toMatchObject(FORBIDDEN);
      await expect(loadInstancePolicyForm()).rejects.toMatchObject(FORBIDDEN);
      await expect(loadInstancePolicyForm(id)).rejects.toMatchObject(FORBIDDEN);
      await expect(loadInstanceExecutionDetail(id, "1")).rejects.toMatchObject(FORBIDDEN);
      await expect(loadInstanceTaskLog(id, "1", "1")).rejects.toMatchObject(FORBIDDEN);
    }
  });

  it("show instance-wide webhooks with the project of each delivery, and never a project's webhook", async () => {
    const w = await setup();
    session.actor = w.sys.actor;
    const list = await loadInstanceWebhooksPage({ q: "covering" });
    expect(list.rows.map((r) => r.id)).toContain(w.covering.id);
    expect(list.rows.find((r) => r.id === w.covering.id)?.projectPattern).toBe(w.project.name);
    const detail = await loadInstancePolicyDetail(String(w.covering.id), {});
    expect(detail.policy).toMatchObject({ instanceWide: true, projectPattern: w.project.name });
    expect(detail.executions.map((e) => e.event.projectName)).toEqual([w.project.name]);
    const execution = await loadInstanceExecutionDetail(String(w.covering.id), String(detail.executions[0].id));
    expect(execution.execution.event.projectName).toBe(w.project.name);
    // A project's webhook is not one of them, nor is an instance-wide one a project's.
    await expect(loadInstancePolicyDetail(String(w.own.id), {})).rejects.toMatchObject(NOT_FOUND);
    await expect(loadInstancePolicyForm(String(w.own.id))).rejects.toMatchObject(NOT_FOUND);
    await expect(loadPolicyDetail(w.project.name, String(w.covering.id), {})).rejects.toMatchObject(NOT_FOUND);
  });
});

describe("a project's Webhooks page", () => {
  it("shows its admins and system admins the covering instance-wide webhooks, without addresses; maintainers not", async () => {
    const w = await setup();
    for (const who of [w.admin, w.sys]) {
      session.actor = who.actor;
      const page = await loadWebhooksPage(w.project.name, {});
      expect(page.rows.map((r) => r.id)).toEqual([w.own.id]);
      const names = page.coverage!.map((c) => c.name);
      expect(names).toContain(w.covering.name);
      expect(names).not.toContain(w.elsewhere.name);
      expect(JSON.stringify(page.coverage)).not.toMatch(/127\.0\.0\.1|page-secret/);
    }
    session.actor = w.maintainer.actor;
    expect((await loadWebhooksPage(w.project.name, {})).coverage).toBeNull();
  });
});
