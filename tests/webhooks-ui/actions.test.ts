// The admin UI's server actions check the permission themselves: a maintainer who posts an action
// without its (hidden) button gets "forbidden", and nothing changes. Inputs go through the shared
// schemas, errors name the field. The session is replaced by a settable actor.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { DEAD_URL, makeProject, makeUser } from "../helpers/fixtures";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async () => {
  const { unauthorized } = await import("@/lib/errors");
  return {
    requireUserAction: async () => {
      if (!session.actor) throw unauthorized("your session has expired; sign in again");
      return session.actor;
    },
  };
});
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const webhooks = await import("@/app/projects/[project]/webhooks/actions");
const apiKeys = await import("@/app/projects/[project]/api-keys/actions");
const settings = await import("@/app/admin/settings/actions");

function policyInput(name: string, over: Record<string, unknown> = {}) {
  return {
    name,
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: DEAD_URL, auth_header: "Bearer secret-value", payload_format: "Default" }],
    ...over,
  };
}

async function setup() {
  const admin = await makeUser();
  const maintainer = await makeUser();
  const guest = await makeUser();
  const outsider = await makeUser();
  const project = await makeProject({
    [admin.user.id]: "projectAdmin",
    [maintainer.user.id]: "maintainer",
    [guest.user.id]: "guest",
  });
  session.actor = admin.actor;
  const created = await webhooks.createPolicyAction(project.name, policyInput("existing"));
  if (!created.ok) throw new Error(created.message);
  return { admin, maintainer, guest, outsider, project, policyId: created.data!.id };
}

beforeEach(() => {
  session.actor = null;
});

describe("webhook actions: permissions", () => {
  it("without a session every action answers unauthorized", async () => {
    const { project, policyId } = await setup();
    session.actor = null;
    const r = await webhooks.setPolicyEnabledAction(project.name, policyId, false);
    expect(r).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("a maintainer cannot change anything, whatever the UI shows", async () => {
    const { maintainer, project, policyId } = await setup();
    session.actor = maintainer.actor;
    const db = await getDb();
    const before = await db.webhookPolicy.findUniqueOrThrow({
      where: { id: policyId },
      include: { targets: true, signingKeys: true },
    });
    const attempts = [
      webhooks.createPolicyAction(project.name, policyInput("by-maintainer")),
      webhooks.updatePolicyAction(project.name, policyId, policyInput("renamed")),
      webhooks.setPolicyEnabledAction(project.name, policyId, false),
      webhooks.deletePolicyAction(project.name, policyId),
      webhooks.sendTestEventAction(project.name, policyId, "PUSH_ARTIFACT"),
      webhooks.rotateSigningKeyAction(project.name, policyId),
      webhooks.resumeTargetAction(project.name, policyId, before.targets[0].id),
      webhooks.stopExecutionAction(project.name, policyId, 1),
      webhooks.redeliverTaskAction(project.name, policyId, 1),
      webhooks.redeliverFailedAction(project.name, policyId, {
        from: "2020-01-01T00:00:00Z",
        to: "2030-01-01T00:00:00Z",
      }),
      webhooks.isPolicyNameTakenAction(project.name, "existing"),
    ];
    for (const r of await Promise.all(attempts)) expect(r).toMatchObject({ ok: false, code: "forbidden" });
    const after = await db.webhookPolicy.findUniqueOrThrow({
      where: { id: policyId },
      include: { targets: true, signingKeys: true },
    });
    expect(after).toEqual(before);
    expect(await db.webhookPolicy.count({ where: { projectId: project.id } })).toBe(1);
    expect(await db.execution.count({ where: { policyId } })).toBe(0);
  });

  it("a guest is forbidden; someone outside a private project does not learn it exists", async () => {
    const { guest, outsider, project, policyId } = await setup();
    session.actor = guest.actor;
    expect(await webhooks.deletePolicyAction(project.name, policyId)).toEqual({
      ok: false,
      code: "forbidden",
      message: "Only project admins can change webhooks.",
    });
    session.actor = outsider.actor;
    expect(await webhooks.deletePolicyAction(project.name, policyId)).toMatchObject({
      ok: false,
      code: "not_found",
      message: "Project not found.",
    });
  });

  it("a policy of another project is not found through this one", async () => {
    const { admin, project } = await setup();
    const other = await makeProject({ [admin.user.id]: "projectAdmin" });
    session.actor = admin.actor;
    const theirs = await webhooks.createPolicyAction(other.name, policyInput("theirs"));
    expect(theirs.ok).toBe(true);
    const id = theirs.ok ? theirs.data!.id : 0;
    for (const r of [
      await webhooks.deletePolicyAction(project.name, id),
      await webhooks.sendTestEventAction(project.name, id, "PUSH_ARTIFACT"),
      await webhooks.redeliverTaskAction(project.name, id, 1),
    ]) {
      expect(r).toMatchObject({ ok: false, code: "not_found" });
    }
    const db = await getDb();
    expect(await db.webhookPolicy.count({ where: { id } })).toBe(1);
  });
});

describe("webhook actions: a project admin", () => {
  it("creates with the shared schema: field errors by path, a 409 on the name, the signing secret once", async () => {
    const { admin, project } = await setup();
    session.actor = admin.actor;
    const bad = await webhooks.createPolicyAction(
      project.name,
      policyInput("new", { targets: [{ type: "http", address: "ftp://x" }] }),
    );
    expect(bad).toMatchObject({ ok: false, code: "validation_error", field: "targets.0.address" });
    const none = await webhooks.createPolicyAction(project.name, policyInput("new", { event_types: [] }));
    expect(none).toMatchObject({ ok: false, field: "event_types" });
    const dup = await webhooks.createPolicyAction(project.name, policyInput("existing"));
    expect(dup).toMatchObject({ ok: false, code: "conflict", field: "name" });
    const ok = await webhooks.createPolicyAction(project.name, policyInput("new"));
    expect(ok.ok && ok.data!.signingSecret).toMatch(/^whsec_/);
    expect(await webhooks.isPolicyNameTakenAction(project.name, " new ")).toEqual({
      ok: true,
      data: true,
      message: undefined,
    });
    expect(await webhooks.isPolicyNameTakenAction(project.name, "new", ok.ok ? ok.data!.id : 0)).toMatchObject({
      ok: true,
      data: false,
    });
  });

  it("sends a test event of the chosen type to this policy only, through the pipeline", async () => {
    const { admin, project, policyId } = await setup();
    session.actor = admin.actor;
    const other = await webhooks.createPolicyAction(
      project.name,
      policyInput("other", { event_types: ["PUSH_ARTIFACT"] }),
    );
    expect(other.ok).toBe(true);
    expect(await webhooks.sendTestEventAction(project.name, policyId, "DROP_TABLE")).toMatchObject({
      ok: false,
      field: "eventType",
    });
    const r = await webhooks.sendTestEventAction(project.name, policyId, "TAG_RETENTION");
    expect(r).toMatchObject({ ok: true, data: { deliveries: 1 } });
    const db = await getDb();
    const executions = await db.execution.findMany({
      where: { policy: { projectId: project.id } },
      include: { event: true },
    });
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({
      policyId,
      eventType: "TAG_RETENTION",
      trigger: "MANUAL",
      event: { source: "test", type: "TAG_RETENTION" },
    });
  });

  it("the test event names the project's own test repository and is dated now", async () => {
    const { admin, project, policyId } = await setup();
    session.actor = admin.actor;
    const before = Math.floor(Date.now() / 1000);
    expect(await webhooks.sendTestEventAction(project.name, policyId, "PUSH_ARTIFACT")).toMatchObject({ ok: true });
    const db = await getDb();
    const event = await db.event.findFirstOrThrow({ where: { projectId: project.id, source: "test" } });
    expect(Number(event.occurAt)).toBeGreaterThanOrEqual(before);
    const data = JSON.parse(event.eventData);
    expect(data.repository).toMatchObject({
      namespace: project.name,
      name: "harbor-notifier-test",
      repo_full_name: `${project.name}/harbor-notifier-test`,
    });
    expect(data.repository.date_created).toBeGreaterThanOrEqual(before);
    expect(data.resources[0].resource_url).toContain(`/${project.name}/harbor-notifier-test@sha256:`);
  });

  it("the bulk-redeliver count is the number then redelivered, for the same range", async () => {
    const { admin, maintainer, project, policyId } = await setup();
    session.actor = admin.actor;
    for (let i = 0; i < 6; i++) await webhooks.sendTestEventAction(project.name, policyId, "PUSH_ARTIFACT");
    const db = await getDb();
    const tasks = await db.task.findMany({ where: { policyId }, orderBy: { id: "asc" } });
    expect(tasks).toHaveLength(6);
    // 3 failed, 1 stopped, 1 succeeded, 1 still pending; one more failed outside the range.
    await db.task.updateMany({ where: { id: { in: tasks.slice(0, 3).map((t) => t.id) } }, data: { status: "Error" } });
    await db.task.update({ where: { id: tasks[3].id }, data: { status: "Stopped" } });
    await db.task.update({ where: { id: tasks[4].id }, data: { status: "Success" } });
    const outside = await db.task.findFirstOrThrow({ where: { id: tasks[2].id } });
    await db.task.update({ where: { id: outside.id }, data: { createdAt: new Date("2019-06-01T00:00:00Z") } });
    const range = { from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z" };

    session.actor = maintainer.actor;
    expect(await webhooks.countFailedAction(project.name, policyId, range)).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    session.actor = admin.actor;
    expect(
      await webhooks.countFailedAction(project.name, policyId, { ...range, to: "2010-01-01T00:00:00Z" }),
    ).toMatchObject({
      ok: false,
      field: "to",
    });
    const counted = await webhooks.countFailedAction(project.name, policyId, range);
    expect(counted).toMatchObject({ ok: true, data: { count: 2 } });
    const withStopped = await webhooks.countFailedAction(project.name, policyId, { ...range, include_stopped: true });
    expect(withStopped).toMatchObject({ ok: true, data: { count: 3 } });
    // Counting changes nothing.
    expect(await db.task.count({ where: { policyId, status: "Pending" } })).toBe(1);
    const done = await webhooks.redeliverFailedAction(project.name, policyId, { ...range, include_stopped: true });
    expect(done).toMatchObject({ ok: true, data: { queued: 3 } });
    expect(await db.task.count({ where: { policyId, status: "Pending" } })).toBe(4);
  });

  it("redeliver in a range uses the REST API's schema", async () => {
    const { admin, project, policyId } = await setup();
    session.actor = admin.actor;
    const reversed = await webhooks.redeliverFailedAction(project.name, policyId, {
      from: "2030-01-01T00:00:00Z",
      to: "2020-01-01T00:00:00Z",
      include_stopped: false,
    });
    expect(reversed).toMatchObject({ ok: false, code: "validation_error", field: "to" });
    const empty = await webhooks.redeliverFailedAction(project.name, policyId, {
      from: "",
      to: "2020-01-01T00:00:00Z",
    });
    expect(empty).toMatchObject({ ok: false, field: "from" });
    const none = await webhooks.redeliverFailedAction(project.name, policyId, {
      from: "2020-01-01T00:00:00Z",
      to: "2030-01-01T00:00:00Z",
    });
    expect(none).toMatchObject({ ok: true, data: { queued: 0 } });
  });

  it("an edit keeps the auth header sent back masked, and deactivating is saved", async () => {
    const { admin, project, policyId } = await setup();
    session.actor = admin.actor;
    const db = await getDb();
    const before = await db.webhookTarget.findFirstOrThrow({ where: { policyId } });
    const { SECRET_MASK } = await import("@/lib/shared/policy-input");
    const r = await webhooks.updatePolicyAction(
      project.name,
      policyId,
      policyInput("existing", {
        description: "edited",
        targets: [{ type: "http", address: DEAD_URL, auth_header: SECRET_MASK }],
      }),
    );
    expect(r.ok).toBe(true);
    const after = await db.webhookTarget.findFirstOrThrow({ where: { policyId } });
    expect(after.authHeaderEnc).toBe(before.authHeaderEnc);
    expect(await webhooks.setPolicyEnabledAction(project.name, policyId, false)).toMatchObject({
      ok: true,
      message: "Webhook deactivated.",
    });
    expect((await db.webhookPolicy.findUniqueOrThrow({ where: { id: policyId } })).enabled).toBe(false);
  });
});

describe("API key and settings actions", () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it("only project admins manage API keys; the key comes back once", async () => {
    const { admin, maintainer, project } = await setup();
    session.actor = maintainer.actor;
    expect(await apiKeys.createApiKeyAction(project.name, null, form({ mode: "live", name: "x" }))).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    session.actor = admin.actor;
    expect(await apiKeys.createApiKeyAction(project.name, null, form({ mode: "prod" }))).toMatchObject({
      ok: false,
      field: "mode",
    });
    const r = await apiKeys.createApiKeyAction(project.name, null, form({ mode: "test", name: "ci" }));
    expect(r.ok && r.data!.key).toMatch(/^hk_test_/);
    const db = await getDb();
    const row = await db.apiKey.findFirstOrThrow({ where: { projectId: project.id } });
    session.actor = maintainer.actor;
    expect(await apiKeys.revokeApiKeyAction(project.name, row.id)).toMatchObject({ ok: false, code: "forbidden" });
    session.actor = admin.actor;
    expect(await apiKeys.revokeApiKeyAction(project.name, row.id)).toMatchObject({ ok: true });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
  });

  it("settings: only system admins; a bad value names its field and saves nothing", async () => {
    const { admin } = await setup();
    const valid = {
      webhooksEnabled: "on",
      maxAttempts: "3",
      httpTimeoutSeconds: "3",
      allowedNetworks: "",
      retentionCount: "1000",
      retentionDays: "30",
      destinationLimit: "100",
      signingOverlapHours: "24",
    };
    session.actor = admin.actor; // a project admin, not a system admin
    expect(await settings.updateSettingsAction(null, form(valid))).toMatchObject({
      ok: false,
      code: "forbidden",
      message: "Only system admins can change system settings.",
    });
    const sysadmin = await makeUser({ sysadmin: true });
    session.actor = sysadmin.actor;
    const db = await getDb();
    const before = await db.systemSettings.findUnique({ where: { id: 1 } });
    expect(await settings.updateSettingsAction(null, form({ ...valid, retentionCount: "5" }))).toMatchObject({
      ok: false,
      field: "retentionCount",
      message: "Enter a whole number from 10 to 1,000,000.",
    });
    expect(await settings.updateSettingsAction(null, form({ ...valid, allowedNetworks: "10.0.0.0/33" }))).toMatchObject(
      {
        ok: false,
        field: "allowedNetworks",
        message: '"10.0.0.0/33" needs a prefix length from 0 to 32 after the "/".',
      },
    );
    expect(await settings.updateSettingsAction(null, form({ ...valid, registryToken: "short" }))).toMatchObject({
      ok: false,
      field: "registryToken",
      message: "Use at least 16 characters. Leave the field empty to keep the current token.",
    });
    expect(await db.systemSettings.findUnique({ where: { id: 1 } })).toEqual(before);
  });
});

describe("the action wrapper", () => {
  it("checks the permission before it says anything about the input", async () => {
    const { maintainer, project, policyId } = await setup();
    session.actor = maintainer.actor;
    expect(await webhooks.createPolicyAction(project.name, { name: 42 })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await webhooks.redeliverFailedAction(project.name, policyId, "not a range")).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });

  it("an id argument that cannot name a row is not found, as the API's 404 (one id schema)", async () => {
    const { admin, project } = await setup();
    session.actor = admin.actor;
    for (const bad of [0, -1, 1.5, 2 ** 31, "1", null, { id: 1 }] as unknown as number[]) {
      expect(await webhooks.deletePolicyAction(project.name, bad)).toMatchObject({ ok: false, code: "not_found" });
      expect(await apiKeys.revokeApiKeyAction(project.name, bad)).toMatchObject({ ok: false, code: "not_found" });
    }
  });

  it("keeps the payload's field names when ids travel beside it, and says what it did", async () => {
    const { admin, project, policyId } = await setup();
    session.actor = admin.actor;
    const bad = await webhooks.updatePolicyAction(
      project.name,
      policyId,
      policyInput("existing", { targets: [{ type: "http", address: "ftp://x" }] }),
    );
    expect(bad).toMatchObject({ ok: false, code: "validation_error", field: "targets.0.address" });
    const range = await webhooks.redeliverFailedAction(project.name, policyId, {
      from: "2030-01-01T00:00:00Z",
      to: "2020-01-01T00:00:00Z",
    });
    expect(range).toMatchObject({ ok: false, field: "to" });
    expect(await webhooks.setPolicyEnabledAction(project.name, policyId, false)).toEqual({
      ok: true,
      data: undefined,
      message: "Webhook deactivated.",
    });
    expect(await webhooks.setPolicyEnabledAction(project.name, policyId, true)).toMatchObject({
      message: "Webhook enabled.",
    });
  });

  it("never shows an unexpected error's text", async () => {
    const { admin, project } = await setup();
    session.actor = admin.actor;
    const db = await getDb();
    const spy = vi.spyOn(db.webhookPolicy, "findFirst").mockRejectedValueOnce(new Error("secret database detail"));
    const r = await webhooks.deletePolicyAction(project.name, 1);
    spy.mockRestore();
    expect(r).toEqual({
      ok: false,
      code: "internal_error",
      message: "Something went wrong; the details are in the server log.",
    });
  });
});
