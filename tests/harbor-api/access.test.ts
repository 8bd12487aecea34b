// Every route of the Harbor-compatible API × every kind of caller: who may call it, and the exact
// error everyone else gets.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as projects from "@/app/api/v2.0/projects/route";
import * as project from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import * as members from "@/app/api/v2.0/projects/[project_name_or_id]/members/route";
import * as member from "@/app/api/v2.0/projects/[project_name_or_id]/members/[mid]/route";
import * as apiKeys from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/route";
import * as apiKey from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/[key_id]/route";
import * as users from "@/app/api/v2.0/users/route";
import * as user from "@/app/api/v2.0/users/[user_id]/route";
import * as userPassword from "@/app/api/v2.0/users/[user_id]/password/route";
import * as userSysadmin from "@/app/api/v2.0/users/[user_id]/sysadmin/route";
import * as userLockout from "@/app/api/v2.0/users/[user_id]/sign-in-lockout/route";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as policy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as executions from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/route";
import * as execution from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/[execution_id]/route";
import * as tasks from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/route";
import * as taskLog from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/[task_id]/log/route";
import * as taskRedeliver from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/[task_id]/redeliver/route";
import * as policyRedeliver from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/redeliver/route";
import * as rotate from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/signing-keys/rotate/route";
import * as events from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/events/route";
import * as lastTrigger from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/lasttrigger/route";
import * as jobs from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/jobs/route";
import { getDb } from "@/lib/db/client";
import { DEAD_URL, makeApiKey, makeUser, uid } from "../helpers/fixtures";
import { call, expectHarborError, type CallResult } from "../helpers/http";
import { CALLERS, makeDelivery, makePolicy, makeWorld, uniquePolicyName, type Caller, type World } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

/** Who may call, per permission; written out here rather than read from the permission table. */
const ALLOWED: Record<string, readonly Caller[]> = {
  "any signed-in caller": [
    "guest",
    "developer",
    "maintainer",
    "projectAdmin",
    "otherProjectAdmin",
    "sysadmin",
    "liveKey",
    "testKey",
    "otherProjectKey",
  ],
  "project.read": ["guest", "developer", "maintainer", "projectAdmin", "sysadmin", "liveKey", "testKey"],
  "project.delete": ["sysadmin"],
  "members.read": ["guest", "developer", "maintainer", "projectAdmin", "sysadmin"],
  "members.manage": ["projectAdmin", "sysadmin"],
  "apiKeys.manage": ["projectAdmin", "sysadmin"],
  "webhook.read": ["maintainer", "projectAdmin", "sysadmin", "liveKey", "testKey"],
  "webhook.manage": ["projectAdmin", "sysadmin", "liveKey", "testKey"],
  "project.create": ["sysadmin"],
  "users.manage": ["sysadmin"],
};
const SYSTEM_PERMISSIONS = ["project.create", "users.manage"];
/** What a refusal says, per permission: who may do it. */
const REFUSALS: Record<string, string> = {
  "project.read": "Only project members can see this project.",
  "project.delete": "Only system admins can delete projects.",
  "members.read": "Only project members can see the members of this project.",
  "members.manage": "Only project admins can manage members.",
  "apiKeys.manage": "Only project admins can manage API keys.",
  "webhook.read": "Only project admins and maintainers can see webhooks.",
  "webhook.manage": "Only project admins can change webhooks.",
  "project.create": "Only system admins can create projects.",
  "users.manage": "Only system admins can manage users.",
};

type RouteCase = {
  route: string;
  permission: keyof typeof ALLOWED;
  success: number;
  /** Makes whatever this call needs (fresh per call for routes that change things) and calls. */
  run: (auth: string | undefined, caller: Caller) => Promise<CallResult>;
  check?: (r: CallResult) => void;
};

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});

const sys = () => w.users.sys.actor;
const base = () => `/api/v2.0/projects/${w.project.name}`;
const pp = () => ({ project_name_or_id: w.project.name });

async function withPolicy() {
  const p = await makePolicy(sys(), w.project);
  return { p, path: `${base()}/webhook/policies/${p.id}`, params: { ...pp(), webhook_policy_id: String(p.id) } };
}
async function withDelivery(status = "Error") {
  const { p, path, params } = await withPolicy();
  const d = await makeDelivery(p, { status });
  return {
    d,
    path: `${path}/executions/${d.execution.id}`,
    params: { ...params, execution_id: String(d.execution.id) },
    taskParams: { ...params, execution_id: String(d.execution.id), task_id: String(d.task.id) },
  };
}
const policyBody = () => ({
  name: uniquePolicyName("acl"),
  event_types: ["PUSH_ARTIFACT"],
  targets: [{ type: "http", address: DEAD_URL }],
});

const CASES: RouteCase[] = [
  {
    route: "GET /projects",
    permission: "any signed-in caller",
    success: 200,
    run: (auth) => call(projects.GET, "/api/v2.0/projects?page_size=100", { params: {}, auth }),
  },
  {
    route: "POST /projects",
    permission: "project.create",
    success: 201,
    run: (auth) =>
      call(projects.POST, "/api/v2.0/projects", {
        method: "POST",
        params: {},
        auth,
        body: { project_name: `acl-${uid()}`, metadata: { public: "false" } },
      }),
    check: (r) => expect(r.headers.get("location")).toMatch(/^\/api\/v2\.0\/projects\/\d+$/),
  },
  {
    route: "GET /projects/{p}",
    permission: "project.read",
    success: 200,
    run: (auth) => call(project.GET, base(), { params: pp(), auth }),
  },
  {
    route: "DELETE /projects/{p}",
    permission: "project.delete",
    success: 200,
    run: async (auth, caller) => {
      // A fresh project per call, with the same members and the caller's kind of key.
      const db = await getDb();
      const fresh = await db.project.create({ data: { name: `del-${uid()}` } });
      const rows = await db.projectMember.findMany({ where: { projectId: w.project.id } });
      await db.projectMember.createMany({
        data: rows.map((m) => ({ projectId: fresh.id, userId: m.userId, role: m.role })),
      });
      if (caller === "liveKey" || caller === "testKey" || caller === "revokedKey") {
        const k = await makeApiKey(fresh.id, caller === "testKey" ? "test" : "live");
        if (caller === "revokedKey")
          await db.apiKey.update({ where: { id: k.row.id }, data: { revokedAt: new Date() } });
        auth = `Bearer ${k.key}`;
      }
      const r = await call(project.DELETE, `/api/v2.0/projects/${fresh.name}`, {
        method: "DELETE",
        params: { project_name_or_id: fresh.name },
        auth,
      });
      const renamed = r.text.replaceAll(fresh.name, w.project.name);
      return { ...r, text: renamed, json: renamed ? JSON.parse(renamed) : undefined };
    },
  },
  {
    route: "GET /projects/{p}/members",
    permission: "members.read",
    success: 200,
    run: (auth) => call(members.GET, `${base()}/members`, { params: pp(), auth }),
  },
  {
    route: "POST /projects/{p}/members",
    permission: "members.manage",
    success: 201,
    run: async (auth) => {
      const { user: u } = await makeUser();
      return call(members.POST, `${base()}/members`, {
        method: "POST",
        params: pp(),
        auth,
        body: { role_id: 3, member_user: { username: u.username } },
      });
    },
  },
  {
    route: "GET /projects/{p}/members/{mid}",
    permission: "members.read",
    success: 200,
    run: async (auth) => {
      const m = await (await getDb()).projectMember.findFirstOrThrow({ where: { projectId: w.project.id } });
      return call(member.GET, `${base()}/members/${m.id}`, { params: { ...pp(), mid: String(m.id) }, auth });
    },
  },
  {
    route: "PUT /projects/{p}/members/{mid}",
    permission: "members.manage",
    success: 200,
    run: async (auth) => {
      const { user: u } = await makeUser();
      const m = await (
        await getDb()
      ).projectMember.create({ data: { projectId: w.project.id, userId: u.id, role: "guest" } });
      return call(member.PUT, `${base()}/members/${m.id}`, {
        method: "PUT",
        params: { ...pp(), mid: String(m.id) },
        auth,
        body: { role_id: 2 },
      });
    },
  },
  {
    route: "DELETE /projects/{p}/members/{mid}",
    permission: "members.manage",
    success: 200,
    run: async (auth) => {
      const { user: u } = await makeUser();
      const m = await (
        await getDb()
      ).projectMember.create({ data: { projectId: w.project.id, userId: u.id, role: "guest" } });
      return call(member.DELETE, `${base()}/members/${m.id}`, {
        method: "DELETE",
        params: { ...pp(), mid: String(m.id) },
        auth,
      });
    },
  },
  {
    route: "POST /users",
    permission: "users.manage",
    success: 201,
    run: (auth) =>
      call(users.POST, "/api/v2.0/users", {
        method: "POST",
        params: {},
        auth,
        body: { username: `acl-${uid()}`, password: "Passw0rd-long", realname: "A Person" },
      }),
  },
  {
    route: "GET /users/{id}",
    permission: "users.manage",
    success: 200,
    run: (auth) =>
      call(user.GET, `/api/v2.0/users/${w.users.guest.user.id}`, {
        params: { user_id: String(w.users.guest.user.id) },
        auth,
      }),
  },
  {
    route: "DELETE /users/{id}",
    permission: "users.manage",
    success: 200,
    run: async (auth) => {
      const { user: u } = await makeUser();
      return call(user.DELETE, `/api/v2.0/users/${u.id}`, {
        method: "DELETE",
        params: { user_id: String(u.id) },
        auth,
      });
    },
  },
  {
    route: "DELETE /users/{id}/sign-in-lockout",
    permission: "users.manage",
    success: 200,
    run: async (auth) => {
      const { user: u } = await makeUser();
      return call(userLockout.DELETE, `/api/v2.0/users/${u.id}/sign-in-lockout`, {
        method: "DELETE",
        params: { user_id: String(u.id) },
        auth,
      });
    },
  },
  {
    route: "PUT /users/{id}/sysadmin",
    permission: "users.manage",
    success: 200,
    run: async (auth) => {
      const { user: u } = await makeUser();
      return call(userSysadmin.PUT, `/api/v2.0/users/${u.id}/sysadmin`, {
        method: "PUT",
        params: { user_id: String(u.id) },
        auth,
        body: { sysadmin_flag: true },
      });
    },
  },
  {
    // Another user's password (your own is any user's: tests/users/accounts-api.test.ts).
    route: "PUT /users/{id}/password",
    permission: "users.manage",
    success: 200,
    run: async (auth) => {
      const { user: u } = await makeUser();
      return call(userPassword.PUT, `/api/v2.0/users/${u.id}/password`, {
        method: "PUT",
        params: { user_id: String(u.id) },
        auth,
        body: { new_password: "Reset-passw0rd" },
      });
    },
  },
  {
    route: "GET /projects/{p}/api-keys",
    permission: "apiKeys.manage",
    success: 200,
    run: (auth) => call(apiKeys.GET, `${base()}/api-keys`, { params: pp(), auth }),
  },
  {
    route: "GET /projects/{p}/api-keys?page=2&page_size=1",
    permission: "apiKeys.manage",
    success: 200,
    run: (auth) => call(apiKeys.GET, `${base()}/api-keys?page=2&page_size=1`, { params: pp(), auth }),
    check: (r) => {
      expect(r.json as unknown[]).toHaveLength(1);
      expect(Number(r.headers.get("x-total-count"))).toBeGreaterThanOrEqual(3);
      expect(r.headers.get("link")).toContain('rel="prev"');
    },
  },
  {
    route: "POST /projects/{p}/api-keys",
    permission: "apiKeys.manage",
    success: 201,
    run: (auth) =>
      call(apiKeys.POST, `${base()}/api-keys`, {
        method: "POST",
        params: pp(),
        auth,
        body: { mode: "test", name: "acl" },
      }),
  },
  {
    route: "GET /projects/{p}/api-keys/{id}",
    permission: "apiKeys.manage",
    success: 200,
    run: (auth) =>
      call(apiKey.GET, `${base()}/api-keys/${w.keys.test.row.id}`, {
        params: { ...pp(), key_id: String(w.keys.test.row.id) },
        auth,
      }),
  },
  {
    route: "DELETE /projects/{p}/api-keys/{id}",
    permission: "apiKeys.manage",
    success: 200,
    run: async (auth) => {
      const k = await makeApiKey(w.project.id, "test");
      return call(apiKey.DELETE, `${base()}/api-keys/${k.row.id}`, {
        method: "DELETE",
        params: { ...pp(), key_id: String(k.row.id) },
        auth,
      });
    },
  },
  {
    route: "GET webhook/policies",
    permission: "webhook.read",
    success: 200,
    run: (auth) => call(policies.GET, `${base()}/webhook/policies`, { params: pp(), auth }),
  },
  {
    route: "POST webhook/policies",
    permission: "webhook.manage",
    success: 201,
    run: (auth) =>
      call(policies.POST, `${base()}/webhook/policies`, { method: "POST", params: pp(), auth, body: policyBody() }),
  },
  {
    route: "GET webhook/policies/{id}",
    permission: "webhook.read",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(policy.GET, path, { params, auth });
    },
  },
  {
    route: "PUT webhook/policies/{id}",
    permission: "webhook.manage",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(policy.PUT, path, { method: "PUT", params, auth, body: policyBody() });
    },
  },
  {
    // The stored auth header stays with its origin: whoever may save the policy cannot send it elsewhere.
    route: "PUT webhook/policies/{id} to another origin, the auth header masked",
    permission: "webhook.manage",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(policy.PUT, path, {
        method: "PUT",
        params,
        auth,
        body: {
          ...policyBody(),
          targets: [{ type: "http", address: "http://127.0.0.2:9/hook", auth_header: "••••••••" }],
        },
      });
    },
    check: (r) =>
      expect((r.json as { targets: { address: string; auth_header: string }[] }).targets).toEqual([
        expect.objectContaining({ address: "http://127.0.0.2:9/hook", auth_header: "" }),
      ]),
  },
  {
    route: "DELETE webhook/policies/{id}",
    permission: "webhook.manage",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(policy.DELETE, path, { method: "DELETE", params, auth });
    },
  },
  {
    route: "GET …/executions",
    permission: "webhook.read",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(executions.GET, `${path}/executions`, { params, auth });
    },
  },
  {
    route: "GET webhook/jobs?policy_id= (deprecated)",
    permission: "webhook.read",
    success: 200,
    run: async (auth) => {
      const { p } = await withPolicy();
      return call(jobs.GET, `${base()}/webhook/jobs?policy_id=${p.id}`, { params: pp(), auth });
    },
  },
  {
    route: "GET …/executions/{eid}",
    permission: "webhook.read",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withDelivery();
      return call(execution.GET, path, { params, auth });
    },
  },
  {
    route: "PATCH …/executions/{eid}",
    permission: "webhook.manage",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withDelivery("Pending");
      return call(execution.PATCH, path, { method: "PATCH", params, auth, body: { status: "Stopped" } });
    },
    check: (r) => expect(r.json).toMatchObject({ status: "Stopped" }),
  },
  {
    route: "GET …/executions/{eid}/tasks",
    permission: "webhook.read",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withDelivery();
      return call(tasks.GET, `${path}/tasks`, { params, auth });
    },
  },
  {
    route: "GET …/tasks/{tid}/log",
    permission: "webhook.read",
    success: 200,
    run: async (auth) => {
      const { path, taskParams } = await withDelivery();
      return call(taskLog.GET, `${path}/tasks/${taskParams.task_id}/log`, { params: taskParams, auth });
    },
    check: (r) => expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8"),
  },
  {
    route: "POST …/tasks/{tid}/redeliver",
    permission: "webhook.manage",
    success: 202,
    run: async (auth) => {
      const { path, taskParams } = await withDelivery("Error");
      return call(taskRedeliver.POST, `${path}/tasks/${taskParams.task_id}/redeliver`, {
        method: "POST",
        params: taskParams,
        auth,
      });
    },
  },
  {
    route: "POST …/policies/{id}/redeliver",
    permission: "webhook.manage",
    success: 202,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(policyRedeliver.POST, `${path}/redeliver`, {
        method: "POST",
        params,
        auth,
        body: { from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" },
      });
    },
  },
  {
    route: "POST …/signing-keys/rotate",
    permission: "webhook.manage",
    success: 200,
    run: async (auth) => {
      const { path, params } = await withPolicy();
      return call(rotate.POST, `${path}/signing-keys/rotate`, { method: "POST", params, auth });
    },
  },
  {
    route: "GET webhook/events",
    permission: "webhook.read",
    success: 200,
    run: (auth) => call(events.GET, `${base()}/webhook/events`, { params: pp(), auth }),
  },
  {
    route: "GET webhook/lasttrigger",
    permission: "webhook.read",
    success: 200,
    run: (auth) => call(lastTrigger.GET, `${base()}/webhook/lasttrigger`, { params: pp(), auth }),
  },
];

function expectedError(c: RouteCase, caller: Caller): [number, string, string] {
  if (caller === "anonymous") return [401, "UNAUTHORIZED", "authentication required"];
  if (caller === "revokedKey") return [401, "UNAUTHORIZED", "invalid or revoked API key"];
  if (SYSTEM_PERMISSIONS.includes(c.permission)) return [403, "FORBIDDEN", REFUSALS[c.permission]];
  // Harbor tells a signed-in user that the project exists (403); another project's key learns nothing (404).
  if (caller === "otherProjectKey") return [404, "NOT_FOUND", "project not found"];
  return [403, "FORBIDDEN", REFUSALS[c.permission]];
}

describe.each(CASES)("$route", (c) => {
  it.each(CALLERS)("as %s", async (caller) => {
    const r = await c.run(w.auth[caller], caller);
    if (ALLOWED[c.permission].includes(caller)) {
      expect(r.status, r.text).toBe(c.success);
      c.check?.(r);
    } else {
      const [status, code, message] = expectedError(c, caller);
      expectHarborError(r, status, code, message);
    }
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });
});
