// The audit log: an entry for every kind of change a person or key makes, no secret value in any
// stored diff, Harbor's GET /audit-logs and GET /projects/{p}/logs with paging and q, and who may read them.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

import * as auditLogs from "@/app/api/v2.0/audit-logs/route";
import * as projectLogs from "@/app/api/v2.0/projects/[project_name_or_id]/logs/route";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/service";
import { instanceWebhookAccess, requireKeyProject, requireProject, requireSystem } from "@/lib/auth/access";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { createDestination } from "@/lib/destinations/service";
import { destinationCreateSchema } from "@/lib/destinations/schemas";
import { redeliverFailed, redeliverTask, stopExecution } from "@/lib/delivery/task-control";
import {
  createPolicy,
  deletePolicy,
  resumeTarget,
  rotateSigningKey,
  setPolicyEnabled,
  updatePolicy,
} from "@/lib/policies/service";
import { addMember, createProject, deleteProject, removeMember, updateMemberRole } from "@/lib/projects/service";
import { updateSettings, settingsInputSchema } from "@/lib/settings/update";
import {
  createUser,
  deleteUser,
  regenerateOwnCliSecret,
  resetPassword,
  setSysadmin,
  setUserDisabled,
} from "@/lib/users/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeDelivery, makeWorld, type World } from "../harbor-api/helpers";
import { call } from "../helpers/http";
import { makeUser, uid } from "../helpers/fixtures";
import { useOwnDatabase } from "../helpers/own-database";
import { purgeHistory } from "@/lib/delivery/retention";
import type { Actor } from "@/lib/auth/actor";

const AUTH_SECRET = `Bearer audit-secret-${uid()}`;
const AUTH_SECRET_2 = `Bearer audit-secret-two-${uid()}`;
const SLACK_TOKEN = `T000/B000/slacksecret${uid()}`;
const SMTP_PASSWORD = `smtp-secret-${uid()}`;
const USER_PASSWORD = `user-secret-${uid()}-A1`;
const RESET_PASSWORD = `reset-secret-${uid()}-A1`;

let w: World;
let since: Date;
const secretsShown: string[] = [];

const policyInput = (name: string, auth: string) =>
  policyInputSchema.parse({
    name,
    event_types: ["PUSH_ARTIFACT"],
    targets: [
      { type: "http", address: "http://127.0.0.1:9/hook", auth_header: auth },
      { type: "slack", address: `https://hooks.slack.com/services/${SLACK_TOKEN}` },
    ],
  });

// A database of the file's own: it changes the system settings and runs the retention purge.
let dispose: () => Promise<void>;
afterAll(async () => dispose?.());

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("audit"));
  w = await makeWorld();
  since = new Date(Date.now() - 1000);
  const sys = requireSystem(w.users.sys.actor, "settings.manage");
  const admin = w.users.admin.actor;

  // Policies: create, update (a new auth header), disable, enable, rotate, pause and resume, delete.
  const manage = await requireProject(admin, w.project.id, "webhook.manage");
  const { policy, signingSecret } = await createPolicy(manage, policyInput(`audit-${uid()}`, AUTH_SECRET));
  secretsShown.push(signingSecret);
  await updatePolicy(manage, policy.id, policyInput(`audit-renamed-${uid()}`, AUTH_SECRET_2));
  await setPolicyEnabled(manage, policy.id, false);
  await setPolicyEnabled(manage, policy.id, true);
  const rotated = await rotateSigningKey(await requireProject(admin, w.project.id, "webhook.secrets"), policy.id);
  secretsShown.push(JSON.stringify(rotated));
  const db = await getDb();
  const stored = await db.webhookPolicy.findUniqueOrThrow({ where: { id: policy.id }, include: { targets: true } });
  await db.webhookTarget.update({ where: { id: stored.targets[0].id }, data: { status: "paused" } });
  await resumeTarget(manage, policy.id, stored.targets[0].id);

  // Deliveries: redeliver one, redeliver failed, stop a pending execution.
  const failed = await makeDelivery(stored, { status: "Error" });
  await redeliverTask(manage, policy.id, failed.task.id);
  const failedAgain = await makeDelivery(stored, { status: "Error" });
  await redeliverFailed(manage, policy.id, { from: new Date(0), to: new Date(Date.now() + 60_000) });
  const pending = await makeDelivery(stored, { status: "Pending" });
  await stopExecution(manage, policy.id, pending.execution.id);
  void failedAgain;
  await deletePolicy(manage, policy.id);

  // A key pauses its destination.
  const keyAccess = await requireKeyProject((await authenticateApiKey(w.keys.test.key))!, "webhook.manage");
  const dest = await createDestination(
    keyAccess,
    destinationCreateSchema.parse({ url: "http://127.0.0.1:9/dest", name: "audit", status: "paused" }),
  );
  secretsShown.push(dest.signingSecret);

  // An instance-wide policy.
  const instance = instanceWebhookAccess(requireSystem(w.users.sys.actor, "webhooks.instance"), "webhook.manage");
  const wide = await createPolicy(instance, policyInput(`audit-wide-${uid()}`, AUTH_SECRET));
  secretsShown.push(wide.signingSecret);

  // Members, API keys.
  const members = await requireProject(admin, w.project.id, "members.manage");
  const newcomer = await createUser(requireSystem(w.users.sys.actor, "users.manage"), {
    username: `audit-${uid()}`,
    password: USER_PASSWORD,
    sysadmin: false,
  });
  const member = await addMember(members, { username: newcomer.username, role: "guest" });
  await updateMemberRole(members, member.id, "developer");
  await removeMember(members, member.id);
  const keys = await requireProject(admin, w.project.id, "apiKeys.manage");
  const key = await createApiKey(keys, { mode: "test", name: "audit" });
  secretsShown.push(key.key);
  await revokeApiKey(keys, key.row.id);

  // Users and settings.
  const users = requireSystem(w.users.sys.actor, "users.manage");
  await setSysadmin(users, newcomer.id, true);
  await setSysadmin(users, newcomer.id, false);
  await setUserDisabled(users, newcomer.id, true);
  await resetPassword(users, newcomer.id, RESET_PASSWORD);
  await deleteUser(users, newcomer.id);
  // An OIDC user rotates their CLI secret.
  const oidcUser = await makeUser();
  await db.userIdentity.create({ data: { userId: oidcUser.user.id, source: "oidc", subject: `sub-${uid()}` } });
  secretsShown.push(await regenerateOwnCliSecret(oidcUser.actor as Extract<Actor, { kind: "user" }>));
  await updateSettings(
    sys,
    settingsInputSchema.parse({
      webhooksEnabled: true,
      maxAttempts: 5,
      httpTimeoutSeconds: 10,
      allowedNetworks: "",
      retentionCount: 1000,
      retentionDays: 30,
      destinationLimit: 100,
      signingOverlapHours: 24,
      smtpHost: "127.0.0.1",
      smtpPassword: SMTP_PASSWORD,
      auditRetentionDays: 90,
    }),
  );

  // Projects.
  const project = await createProject(requireSystem(w.users.sys.actor, "project.create"), {
    name: `audit-${uid()}`,
    public: false,
  });
  await deleteProject(await requireProject(w.users.sys.actor, project.id, "project.delete"));
}, 60_000);

async function entriesSince() {
  const db = await getDb();
  return db.auditLog.findMany({ where: { at: { gte: since } }, orderBy: { id: "asc" } });
}

describe("what is recorded", () => {
  it("records every kind of change, with the actor", async () => {
    const actions = new Set((await entriesSince()).map((e) => e.action));
    for (const action of [
      "policy.create",
      "policy.update",
      "policy.disable",
      "policy.enable",
      "signing_key.rotate",
      "target.resume",
      "task.redeliver",
      "policy.redeliver_failed",
      "execution.stop",
      "policy.delete",
      "destination.create",
      "target.pause",
      "member.add",
      "member.role",
      "member.remove",
      "api_key.create",
      "api_key.revoke",
      "user.create",
      "user.grant_admin",
      "user.revoke_admin",
      "user.disable",
      "user.reset_password",
      "user.delete",
      "user.cli_secret_rotate",
      "settings.update",
      "project.create",
      "project.delete",
    ])
      expect(actions, action).toContain(action);
    const stop = (await entriesSince()).find((e) => e.action === "execution.stop")!;
    expect(stop.actor).toBe(w.users.admin.user.username);
    expect(stop.projectId).toBe(w.project.id);
    const pause = (await entriesSince()).find((e) => e.action === "target.pause")!;
    expect(pause.actor).toMatch(/^api-key:/);
  });

  it("keeps what a policy update changed, secrets as changed only", async () => {
    const update = (await entriesSince()).find((e) => e.action === "policy.update")!;
    const { diff } = JSON.parse(update.detail) as { diff: Record<string, { from: unknown; to: unknown }> };
    expect(diff.name.to).toMatch(/^audit-renamed-/);
    expect(diff["targets.0.auth_header"]).toEqual({ from: "set", to: "replaced" });
    const settings = (await entriesSince()).find((e) => e.action === "settings.update")!;
    expect(JSON.parse(settings.detail)).toMatchObject({ smtpPasswordChange: "replaced" });
  });

  it("holds no secret value in any stored entry", async () => {
    const text = JSON.stringify(await entriesSince());
    for (const secret of [AUTH_SECRET, AUTH_SECRET_2, SLACK_TOKEN, SMTP_PASSWORD, USER_PASSWORD, RESET_PASSWORD])
      expect(text).not.toContain(secret);
    for (const shown of secretsShown) {
      for (const value of shown.match(/[A-Za-z0-9_+/=-]{16,}/g) ?? []) expect(text).not.toContain(value);
    }
  });
});

describe("GET /api/v2.0/audit-logs", () => {
  it("pages with X-Total-Count and Link, newest first, in Harbor's shape", async () => {
    const q = `op_time=[${since.toISOString()}~]`;
    const res = await call(auditLogs.GET, `/api/v2.0/audit-logs?page=1&page_size=2&q=${encodeURIComponent(q)}`, {
      auth: w.auth.sysadmin,
    });
    expect(res.status).toBe(200);
    const total = Number(res.headers.get("X-Total-Count"));
    expect(total).toBe((await entriesSince()).length);
    expect(res.headers.get("Link")).toContain('rel="next"');
    const items = res.json as { id: number; username: string; operation: string; op_time: string }[];
    expect(items).toHaveLength(2);
    expect(items[0].id).toBeGreaterThan(items[1].id);
    expect(Object.keys(items[0])).toEqual(
      expect.arrayContaining(["id", "username", "resource", "resource_type", "operation", "op_time"]),
    );
  });

  it("filters by operation, username, resource_type and resource", async () => {
    const get = (q: string) =>
      call(auditLogs.GET, `/api/v2.0/audit-logs?page_size=100&q=${encodeURIComponent(q)}`, { auth: w.auth.sysadmin });
    const ops = (await get("operation=member.add")).json as { operation: string }[];
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((e) => e.operation === "member.add")).toBe(true);
    const fuzzy = (await get(`operation=~USER.,username=${w.users.sys.user.username}`)).json as {
      operation: string;
      username: string;
    }[];
    expect(new Set(fuzzy.map((e) => e.operation))).toEqual(
      new Set([
        "user.create",
        "user.grant_admin",
        "user.revoke_admin",
        "user.disable",
        "user.reset_password",
        "user.delete",
      ]),
    );
    const types = (await get("resource_type={api_key member}")).json as { resource_type: string }[];
    expect(new Set(types.map((e) => e.resource_type))).toEqual(new Set(["api_key", "member"]));
    const future = await get("op_time=[2999-01-01 00:00:00~]");
    expect(future.json).toEqual([]);
    expect(future.headers.get("X-Total-Count")).toBe("0");
  });

  it("refuses a bad query with 400 naming q", async () => {
    for (const q of ["secret=1", "op_time=yesterday", "operation=[a~b]"]) {
      const res = await call(auditLogs.GET, `/api/v2.0/audit-logs?q=${encodeURIComponent(q)}`, {
        auth: w.auth.sysadmin,
      });
      expect(res.status, q).toBe(400);
      expect(res.text).toContain("q");
    }
  });

  it("is for system admins only", async () => {
    for (const caller of ["anonymous", "guest", "maintainer", "projectAdmin", "liveKey"] as const) {
      const res = await call(auditLogs.GET, "/api/v2.0/audit-logs", { auth: w.auth[caller] });
      expect(res.status, caller).toBe(caller === "anonymous" ? 401 : 403);
    }
  });
});

describe("GET /api/v2.0/projects/{p}/logs", () => {
  const path = () => `/api/v2.0/projects/${w.project.name}/logs?page_size=100`;
  const params = () => ({ project_name_or_id: w.project.name });

  it("shows the project's admins its entries only", async () => {
    const res = await call(projectLogs.GET, path(), { auth: w.auth.projectAdmin, params: params() });
    expect(res.status).toBe(200);
    const items = res.json as { project_id: number; operation: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.project_id === w.project.id)).toBe(true);
    expect(items.map((e) => e.operation)).toContain("execution.stop");
    expect(items.map((e) => e.operation)).not.toContain("settings.update");
  });

  it("refuses other roles, keys and other projects' admins", async () => {
    for (const caller of ["maintainer", "developer", "guest", "liveKey", "otherProjectAdmin"] as const) {
      const res = await call(projectLogs.GET, path(), { auth: w.auth[caller], params: params() });
      expect([403, 404], caller).toContain(res.status);
    }
    const sys = await call(projectLogs.GET, path(), { auth: w.auth.sysadmin, params: params() });
    expect(sys.status).toBe(200);
  });
});

describe("retention", () => {
  it("purges entries older than the audit retention setting with the history, keeps the rest", async () => {
    const db = await getDb();
    const day = 86_400_000;
    const old = await db.auditLog.create({
      data: {
        actor: "someone",
        action: "policy.create",
        objectType: "policy",
        objectId: "1",
        at: new Date(Date.now() - 91 * day),
      },
    });
    const kept = await db.auditLog.create({
      data: {
        actor: "someone",
        action: "policy.create",
        objectType: "policy",
        objectId: "1",
        at: new Date(Date.now() - 89 * day),
      },
    });
    const { audit } = await purgeHistory();
    expect(audit).toBe(1);
    expect(await db.auditLog.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.auditLog.findUnique({ where: { id: kept.id } })).not.toBeNull();
    expect(await db.auditLog.count({ where: { at: { gte: since } } })).toBe((await entriesSince()).length);
  });
});
