// Fuzz/property tests over every API route and every server action: random and hostile JSON,
// wrong types, huge strings, unicode, CRLF, path traversal, huge numbers, SQL-looking strings.
// Every answer is a success or a 4xx in the API's JSON error shape, never a 500 or a throw, and
// the database stays consistent. Run in-process, as the other route tests do.
import crypto from "node:crypto";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Thousands of calls from one user or key: keep the per-key rate limit out of the way here
  // (it has its own tests); read once, when lib/auth/rate-limit.ts loads.
  process.env.API_RATE_LIMIT_PER_MINUTE = "10000000";
});
vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

import * as projects from "@/app/api/v2.0/projects/route";
import * as project from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import * as members from "@/app/api/v2.0/projects/[project_name_or_id]/members/route";
import * as member from "@/app/api/v2.0/projects/[project_name_or_id]/members/[mid]/route";
import * as apiKeys from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/route";
import * as apiKey from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/[key_id]/route";
import * as users from "@/app/api/v2.0/users/route";
import * as user from "@/app/api/v2.0/users/[user_id]/route";
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
import * as destinations from "@/app/v1/destinations/route";
import * as destination from "@/app/v1/destinations/[id]/route";
import * as destinationKeys from "@/app/v1/destinations/[id]/signing-keys/route";
import * as deliveries from "@/app/v1/destinations/[id]/deliveries/route";
import * as v1Events from "@/app/v1/events/route";
import * as v1Unknown from "@/app/v1/[...path]/route";
import * as registry from "@/app/service/notifications/route";
import * as webhookActions from "@/app/projects/[project]/webhooks/actions";
import * as apiKeyActions from "@/app/projects/[project]/api-keys/actions";
import * as projectActions from "@/app/projects/actions";
import * as userActions from "@/app/admin/users/actions";
import * as settingsActions from "@/app/admin/settings/actions";
import { resetEnvCache } from "@/lib/config/env";
import { decryptOptional } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { makeDelivery, makePolicy } from "../harbor-api/helpers";
import { DEAD_URL, makeApiKey, makeProject, makeUser, uid } from "../helpers/fixtures";
import { signedIn } from "../helpers/session-mock";
import { recordFigure } from "../reliability/figures";
import { hostileBody, hostileString, hostileValue, NASTY_STRINGS } from "./hostile";

const RUNS = Number(process.env.FUZZ_RUNS ?? 220);
const REGISTRY_TOKEN = `fuzz-registry-${uid()}`;

type Caller = "sysadmin" | "projectAdmin" | "testKey" | "liveKey" | "registry";
type Flavor = "harbor" | "v1";
/** Any route handler; each gets the params its path names. */
type Handler = (req: NextRequest, ctx: { params: Promise<never> }) => Response | Promise<Response>;
type Input = { params: Record<string, string>; query: string; body?: string };
type RouteSpec = {
  name: string;
  handler: Handler;
  method: string;
  flavor: Flavor;
  as: Caller;
  path: (p: Record<string, string>) => string;
  params: fc.Arbitrary<Record<string, string>>;
  query?: fc.Arbitrary<string>;
  body?: () => unknown;
};

let w: Awaited<ReturnType<typeof makeFuzzWorld>>;
let inputs = 0;
const serverErrors: string[] = [];

async function makeFuzzWorld() {
  const sys = await makeUser({ sysadmin: true });
  const admin = await makeUser();
  const guest = await makeUser();
  const p = await makeProject({ [admin.user.id]: "projectAdmin", [guest.user.id]: "guest" });
  // Events go to a project of their own with one policy, so fuzzed events fan out to one delivery each.
  const e = await makeProject({ [admin.user.id]: "projectAdmin" });
  const other = await makeProject();
  const pol = await makePolicy(sys.actor, p);
  const otherPol = await makePolicy(sys.actor, other);
  await makePolicy(sys.actor, e, { targets: [{ type: "http", address: DEAD_URL }] });
  const delivery = await makeDelivery(pol, { status: "Error" });
  const testKey = await makeApiKey(p.id, "test");
  const liveKey = await makeApiKey(p.id, "live");
  const eventKey = await makeApiKey(e.id, "test");
  const db = await getDb();
  const membership = await db.projectMember.findFirstOrThrow({ where: { projectId: p.id, userId: guest.user.id } });
  return { sys, admin, guest, p, e, other, pol, otherPol, delivery, testKey, liveKey, eventKey, membership };
}

beforeAll(async () => {
  process.env.REGISTRY_NOTIFICATION_TOKEN = REGISTRY_TOKEN;
  resetEnvCache();
  w = await makeFuzzWorld();
}, 60_000);
afterAll(() => {
  delete process.env.REGISTRY_NOTIFICATION_TOKEN;
  resetEnvCache();
});

/** Ours, or hostile: never a real id of someone else's object (the shared test database). */
const idOf = (own: () => number | string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(null).map(() => String(own())) },
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 31n, max: 2n ** 70n }).map(String) },
    { weight: 1, arbitrary: fc.integer({ min: -1000, max: 0 }).map(String) },
  );
/**
 * Path segments arrive decoded by Next.js, which refuses malformed UTF-8 itself; a lone surrogate
 * cannot come through a URL path, so path params are made well formed (JSON bodies keep them).
 */
const wellFormed = (v: string) => (v as string & { toWellFormed(): string }).toWellFormed();
const seg = (v: string) => encodeURIComponent(wellFormed(v));
/** Query values: well-formed text, or raw percent sequences that are malformed on purpose. */
const enc = (v: unknown) =>
  typeof v === "string" && /^%/.test(v)
    ? v
    : encodeURIComponent(wellFormed(typeof v === "string" ? v : (JSON.stringify(v) ?? "")));
const rawPercent = fc.constantFrom("%", "%ZZ", "%ED%A0%80", "%C0%AF", "%00", "%E2%80%AE");
const projectParam = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(null).map(() => w.p.name) },
    { weight: 1, arbitrary: fc.constant(null).map(() => String(w.p.id)) },
    { weight: 2, arbitrary: hostileString },
  );
const harborQuery = fc
  .record(
    {
      page: fc.oneof(hostileValue, rawPercent),
      page_size: hostileValue,
      q: fc.oneof(
        hostileString,
        hostileString.map((s) => `name=~${s}`),
        rawPercent,
      ),
      sort: hostileString,
    },
    { requiredKeys: [] },
  )
  .map(
    (q) =>
      "?" +
      Object.entries(q)
        .map(([k, v]) => `${k}=${enc(v)}`)
        .join("&"),
  );
const v1Query = fc
  .record(
    {
      cursor: fc.oneof(hostileString, rawPercent),
      limit: hostileValue,
      status: fc.oneof(hostileString, fc.constantFrom("active", "paused")),
    },
    { requiredKeys: [] },
  )
  .map(
    (q) =>
      "?" +
      Object.entries(q)
        .map(([k, v]) => `${k}=${enc(v)}`)
        .join("&"),
  );

const pp = (p: Record<string, string>) => `/api/v2.0/projects/${seg(p.project_name_or_id)}`;
const webhookBase = (p: Record<string, string>) => `${pp(p)}/webhook/policies/${seg(p.webhook_policy_id)}`;
const policyParams = () => fc.record({ project_name_or_id: projectParam(), webhook_policy_id: idOf(() => w.pol.id) });
const executionParams = () =>
  fc.record({
    project_name_or_id: projectParam(),
    webhook_policy_id: idOf(() => w.pol.id),
    execution_id: idOf(() => w.delivery.execution.id),
  });
const taskParams = () =>
  fc.record({
    project_name_or_id: projectParam(),
    webhook_policy_id: idOf(() => w.pol.id),
    execution_id: idOf(() => w.delivery.execution.id),
    task_id: idOf(() => w.delivery.task.id),
  });
const destId = () => idOf(() => ownDestination);
let ownDestination = "dest_00000000000000000000000000";

const policyBody = () => ({
  name: `fuzz-${uid()}`,
  description: "from the fuzz test",
  enabled: true,
  event_types: ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
  targets: [
    {
      type: "http",
      address: DEAD_URL,
      auth_header: "Bearer fuzz",
      skip_cert_verify: false,
      payload_format: "CloudEvents",
    },
    { type: "slack", address: "http://127.0.0.1:9/slack" },
  ],
  repository_pattern: "library/**",
  tag_pattern: "v*",
  retry_policy: { max_attempts: 3, backoff_base_ms: 1000, backoff_cap_ms: 60000, timeout_ms: 3000 },
});
const registryBody = () => ({
  events: [
    {
      id: crypto.randomUUID(),
      timestamp: "2024-05-01T10:00:00.123456789Z",
      action: "push",
      target: {
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        size: 527,
        digest: "sha256:" + "a".repeat(64),
        length: 527,
        repository: `${w.e.name}/app`,
        url: "http://registry.local/v2/app/manifests/sha256:x",
        tag: "v1",
      },
      request: { id: "req-1", addr: "127.0.0.1:5000", host: "registry.local", method: "PUT", useragent: "docker/24" },
      actor: { name: "alice" },
      source: { addr: "registry:5000", instanceID: "i-1" },
    },
  ],
});

const ROUTES: RouteSpec[] = [
  {
    name: "GET /projects",
    handler: projects.GET,
    method: "GET",
    flavor: "harbor",
    as: "sysadmin",
    path: () => "/api/v2.0/projects",
    params: fc.constant({}),
    query: harborQuery,
  },
  {
    name: "POST /projects",
    handler: projects.POST,
    method: "POST",
    flavor: "harbor",
    as: "sysadmin",
    path: () => "/api/v2.0/projects",
    params: fc.constant({}),
    body: () => ({ project_name: `fz-${uid()}`, metadata: { public: "false" } }),
  },
  {
    name: "GET /projects/{p}",
    handler: project.GET,
    method: "GET",
    flavor: "harbor",
    as: "sysadmin",
    path: pp,
    params: fc.record({ project_name_or_id: projectParam() }),
  },
  {
    name: "DELETE /projects/{p}",
    handler: project.DELETE,
    method: "DELETE",
    flavor: "harbor",
    as: "projectAdmin",
    path: pp,
    params: fc.record({ project_name_or_id: projectParam() }),
  },
  {
    name: "GET members",
    handler: members.GET,
    method: "GET",
    flavor: "harbor",
    as: "sysadmin",
    path: (p) => `${pp(p)}/members`,
    params: fc.record({ project_name_or_id: projectParam() }),
    query: harborQuery,
  },
  {
    name: "POST members",
    handler: members.POST,
    method: "POST",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/members`,
    params: fc.record({ project_name_or_id: projectParam() }),
    body: () => ({ role_id: 3, member_user: { username: w.sys.user.username } }),
  },
  {
    name: "GET members/{mid}",
    handler: member.GET,
    method: "GET",
    flavor: "harbor",
    as: "sysadmin",
    path: (p) => `${pp(p)}/members/${seg(p.mid)}`,
    params: fc.record({ project_name_or_id: projectParam(), mid: idOf(() => w.membership.id) }),
  },
  {
    name: "PUT members/{mid}",
    handler: member.PUT,
    method: "PUT",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/members/${seg(p.mid)}`,
    params: fc.record({ project_name_or_id: projectParam(), mid: idOf(() => w.membership.id) }),
    body: () => ({ role_id: 3 }),
  },
  {
    name: "DELETE members/{mid}",
    handler: member.DELETE,
    method: "DELETE",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/members/${seg(p.mid)}`,
    params: fc.record({ project_name_or_id: projectParam(), mid: idOf(() => 2 ** 40) }),
  },
  {
    name: "POST /users",
    handler: users.POST,
    method: "POST",
    flavor: "harbor",
    as: "sysadmin",
    path: () => "/api/v2.0/users",
    params: fc.constant({}),
    body: () => ({ username: `fz-${uid()}`, password: "Passw0rd-long", realname: "Fuzz", email: "fuzz@example.com" }),
  },
  {
    name: "GET /users/{id}",
    handler: user.GET,
    method: "GET",
    flavor: "harbor",
    as: "sysadmin",
    path: (p) => `/api/v2.0/users/${seg(p.user_id)}`,
    params: fc.record({ user_id: idOf(() => w.guest.user.id) }),
  },
  {
    name: "GET api-keys",
    handler: apiKeys.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/api-keys`,
    params: fc.record({ project_name_or_id: projectParam() }),
  },
  {
    name: "POST api-keys",
    handler: apiKeys.POST,
    method: "POST",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/api-keys`,
    params: fc.record({ project_name_or_id: projectParam() }),
    body: () => ({ mode: "test", name: "fuzz" }),
  },
  {
    name: "GET api-keys/{id}",
    handler: apiKey.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/api-keys/${seg(p.key_id)}`,
    params: fc.record({ project_name_or_id: projectParam(), key_id: idOf(() => w.testKey.row.id) }),
  },
  {
    name: "DELETE api-keys/{id}",
    handler: apiKey.DELETE,
    method: "DELETE",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/api-keys/${seg(p.key_id)}`,
    params: fc.record({ project_name_or_id: projectParam(), key_id: idOf(() => 2 ** 40) }),
  },
  {
    name: "GET policies",
    handler: policies.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/webhook/policies`,
    params: fc.record({ project_name_or_id: projectParam() }),
    query: harborQuery,
  },
  {
    name: "POST policies",
    handler: policies.POST,
    method: "POST",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/webhook/policies`,
    params: fc.record({ project_name_or_id: projectParam() }),
    body: policyBody,
  },
  {
    name: "GET policies/{id}",
    handler: policy.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: webhookBase,
    params: policyParams(),
  },
  {
    name: "PUT policies/{id}",
    handler: policy.PUT,
    method: "PUT",
    flavor: "harbor",
    as: "projectAdmin",
    path: webhookBase,
    params: policyParams(),
    body: policyBody,
  },
  {
    name: "DELETE policies/{id}",
    handler: policy.DELETE,
    method: "DELETE",
    flavor: "harbor",
    as: "projectAdmin",
    path: webhookBase,
    params: fc.record({ project_name_or_id: projectParam(), webhook_policy_id: idOf(() => 2 ** 40) }),
  },
  {
    name: "GET executions",
    handler: executions.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/executions`,
    params: policyParams(),
    query: harborQuery,
  },
  {
    name: "GET executions/{eid}",
    handler: execution.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/executions/${seg(p.execution_id)}`,
    params: executionParams(),
  },
  {
    name: "PATCH executions/{eid}",
    handler: execution.PATCH,
    method: "PATCH",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/executions/${seg(p.execution_id)}`,
    params: executionParams(),
    body: () => ({ status: "Stopped" }),
  },
  {
    name: "GET tasks",
    handler: tasks.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/executions/${seg(p.execution_id)}/tasks`,
    params: executionParams(),
    query: harborQuery,
  },
  {
    name: "GET tasks/{tid}/log",
    handler: taskLog.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/executions/${seg(p.execution_id)}/tasks/${seg(p.task_id)}/log`,
    params: taskParams(),
  },
  {
    name: "POST tasks/{tid}/redeliver",
    handler: taskRedeliver.POST,
    method: "POST",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/executions/${seg(p.execution_id)}/tasks/${seg(p.task_id)}/redeliver`,
    params: taskParams(),
  },
  {
    name: "POST policies/{id}/redeliver",
    handler: policyRedeliver.POST,
    method: "POST",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/redeliver`,
    params: policyParams(),
    body: () => ({ from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", include_stopped: false }),
  },
  {
    name: "POST signing-keys/rotate",
    handler: rotate.POST,
    method: "POST",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${webhookBase(p)}/signing-keys/rotate`,
    params: policyParams(),
  },
  {
    name: "GET webhook/events",
    handler: events.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/webhook/events`,
    params: fc.record({ project_name_or_id: projectParam() }),
  },
  {
    name: "GET webhook/lasttrigger",
    handler: lastTrigger.GET,
    method: "GET",
    flavor: "harbor",
    as: "projectAdmin",
    path: (p) => `${pp(p)}/webhook/lasttrigger`,
    params: fc.record({ project_name_or_id: projectParam() }),
  },
  {
    name: "GET /v1/destinations",
    handler: destinations.GET,
    method: "GET",
    flavor: "v1",
    as: "testKey",
    path: () => "/v1/destinations",
    params: fc.constant({}),
    query: v1Query,
  },
  {
    name: "POST /v1/destinations",
    handler: destinations.POST,
    method: "POST",
    flavor: "v1",
    as: "testKey",
    path: () => "/v1/destinations",
    params: fc.constant({}),
    body: () => ({
      url: DEAD_URL,
      name: "fuzz",
      retry_policy: { max_attempts: 2 },
      metadata: { team: "fuzz" },
      event_types: ["PUSH_ARTIFACT"],
    }),
  },
  {
    name: "POST /v1/destinations (live key)",
    handler: destinations.POST,
    method: "POST",
    flavor: "v1",
    as: "liveKey",
    path: () => "/v1/destinations",
    params: fc.constant({}),
    body: () => ({ url: "https://127.0.0.1:9/hook", name: "fuzz-live" }),
  },
  {
    name: "GET /v1/destinations/{id}",
    handler: destination.GET,
    method: "GET",
    flavor: "v1",
    as: "testKey",
    path: (p) => `/v1/destinations/${seg(p.id)}`,
    params: fc.record({ id: destId() }),
  },
  {
    name: "PATCH /v1/destinations/{id}",
    handler: destination.PATCH,
    method: "PATCH",
    flavor: "v1",
    as: "testKey",
    path: (p) => `/v1/destinations/${seg(p.id)}`,
    params: fc.record({ id: destId() }),
    body: () => ({
      url: DEAD_URL,
      name: "renamed",
      retry_policy: { timeout_ms: 2000 },
      metadata: { a: "b" },
      status: "active",
    }),
  },
  {
    name: "DELETE /v1/destinations/{id}",
    handler: destination.DELETE,
    method: "DELETE",
    flavor: "v1",
    as: "testKey",
    path: (p) => `/v1/destinations/${seg(p.id)}`,
    params: fc.record({ id: hostileString }),
  },
  {
    name: "POST /v1/destinations/{id}/signing-keys",
    handler: destinationKeys.POST,
    method: "POST",
    flavor: "v1",
    as: "testKey",
    path: (p) => `/v1/destinations/${seg(p.id)}/signing-keys`,
    params: fc.record({ id: destId() }),
  },
  {
    name: "GET /v1/destinations/{id}/deliveries",
    handler: deliveries.GET,
    method: "GET",
    flavor: "v1",
    as: "testKey",
    path: (p) => `/v1/destinations/${seg(p.id)}/deliveries`,
    params: fc.record({ id: destId() }),
    query: v1Query,
  },
  {
    name: "POST /v1/events",
    handler: v1Events.POST,
    method: "POST",
    flavor: "v1",
    as: "testKey",
    path: () => "/v1/events",
    params: fc.constant({}),
    body: () => ({
      type: "PUSH_ARTIFACT",
      occur_at: 1700000000,
      operator: "fuzz",
      event_data: {
        resources: [{ digest: "sha256:x", tag: "v1", resource_url: "r/app:v1" }],
        repository: { date_created: 1, name: "app", namespace: "e", repo_full_name: "e/app", repo_type: "private" },
      },
    }),
  },
  {
    name: "ANY /v1/{unknown}",
    handler: v1Unknown.POST,
    method: "POST",
    flavor: "v1",
    as: "testKey",
    path: (p) => `/v1/${seg(p.path)}`,
    params: fc.record({ path: hostileString }),
  },
  {
    name: "POST /service/notifications",
    handler: registry.POST,
    method: "POST",
    flavor: "v1",
    as: "registry",
    path: () => "/service/notifications",
    params: fc.constant({}),
    body: registryBody,
  },
];

function authHeaders(as: Caller): Record<string, string> {
  signedIn.uid = as === "sysadmin" ? w.sys.user.id : as === "projectAdmin" ? w.admin.user.id : undefined;
  if (as === "testKey") return { authorization: `Bearer ${w.testKey.key}` };
  if (as === "liveKey") return { authorization: `Bearer ${w.liveKey.key}` };
  if (as === "registry") return { authorization: `Bearer ${REGISTRY_TOKEN}` };
  return {};
}

async function send(route: RouteSpec, input: Input) {
  // A turn of the event loop per input: with SQLite's synchronous driver a run of inputs is
  // otherwise one chain of microtasks, and vitest's own messages wait behind it.
  await new Promise((resolve) => setImmediate(resolve));
  const headers: Record<string, string> = authHeaders(route.as);
  // Events posted with the events project's key, so they fan out to its single policy.
  if (route.handler === v1Events.POST) headers.authorization = `Bearer ${w.eventKey.key}`;
  if (input.body !== undefined)
    headers["content-type"] =
      route.as === "registry" ? "application/vnd.docker.distribution.events.v1+json" : "application/json";
  const req = new NextRequest(`http://localhost${route.path(input.params)}${input.query}`, {
    method: route.method,
    headers,
    body: input.body,
  });
  const params = Object.fromEntries(Object.entries(input.params).map(([k, v]) => [k, wellFormed(v)]));
  const res = await route.handler(req, { params: Promise.resolve(params) as Promise<never> });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text };
}

function judge(route: RouteSpec, input: Input, r: { status: number; type: string; text: string }) {
  inputs++;
  if (r.status >= 500)
    serverErrors.push(`${route.name} ${JSON.stringify(input).slice(0, 300)} → ${r.status} ${r.text.slice(0, 300)}`);
  expect(r.status, `${route.name} answered ${r.status}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    const json = JSON.parse(r.text) as {
      errors?: { code: string; message: string }[];
      error?: { code: string; message: string };
    };
    if (route.flavor === "harbor")
      expect(json.errors?.[0]).toEqual({ code: expect.any(String), message: expect.any(String) });
    else expect(json.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    // A refusal never echoes a stack trace.
    expect(r.text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  }
}

describe("fuzz: every API route", () => {
  beforeAll(async () => {
    const r = await send(
      ROUTES.find((x) => x.name === "POST /v1/destinations")!,
      { params: {}, query: "", body: JSON.stringify({ url: DEAD_URL, name: "fuzz-own" }) },
    );
    ownDestination = (JSON.parse(r.text) as { id: string }).id;
  });

  it.each(ROUTES.map((r) => [r.name, r] as const))(
    "%s",
    async (_name, route) => {
      const arbitrary: fc.Arbitrary<Input> = fc.record({
        params: route.params,
        query: route.query ?? fc.constant(""),
        body: route.body ? hostileBody(route.body()) : fc.constant(undefined),
      }) as fc.Arbitrary<Input>;
      await fc.assert(
        fc.asyncProperty(arbitrary, async (input) => judge(route, input, await send(route, input))),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
    120_000,
  );
});

/**
 * Hostile input classes, tried exhaustively rather than at random: on every route, each query
 * parameter, path parameter and body field gets each value of each class. Counted per class for
 * docs/reliability.md.
 */
const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
const OUT_OF_RANGE = ["2147483648", "-1", "0", "99999999999999999999", "9007199254740993", "1e308", "NaN"];
const OUT_OF_RANGE_NUMBERS = [2 ** 31, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1];
const QUERY_PARAMS = ["q", "name", "sort", "page", "page_size", "cursor", "limit", "status", "validate_only"];
const classCounts: Record<string, number> = {};

/** The params of a route pointing at the fuzz world's own objects; deletes aim at ids that do not exist. */
function ownParams(route: RouteSpec): Record<string, string> {
  const keys = Object.keys(fc.sample(route.params, 1)[0]);
  const gone = route.method === "DELETE" ? () => String(2 ** 40) : undefined;
  const own: Record<string, () => string> = {
    project_name_or_id: () => w.p.name,
    webhook_policy_id: () => String(w.pol.id),
    execution_id: () => String(w.delivery.execution.id),
    task_id: () => String(w.delivery.task.id),
    mid: () => String(w.membership.id),
    key_id: () => String(w.testKey.row.id),
    user_id: () => String(w.guest.user.id),
    id: () => ownDestination,
    path: () => "unknown",
  };
  return Object.fromEntries(
    keys.map((k) => [k, k === "project_name_or_id" || k === "path" ? own[k]() : (gone ?? own[k])()]),
  );
}

/** Every path to a leaf (or, with `objects`, to an object) of a JSON value. */
function leafPaths(value: unknown, objects = false, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, objects, [...prefix, i]));
  if (value && typeof value === "object") {
    const inner = Object.entries(value).flatMap(([k, v]) => leafPaths(v, objects, [...prefix, k]));
    return objects ? [prefix, ...inner] : inner;
  }
  return objects ? [] : [prefix];
}
function getAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}
function withAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as Record<string, unknown>) }) as Record<
    string | number,
    unknown
  >;
  // defineProperty: a plain assignment to "__proto__" would set the prototype, not add the key.
  Object.defineProperty(copy, path[0], {
    value: withAt(copy[path[0]], path.slice(1), value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}
const deepArray = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
/** A body in which the value at `path` is replaced by raw JSON text (a nesting JSON.stringify could not write). */
function withRawAt(body: unknown, path: (string | number)[], raw: string): string {
  const marker = `"@@raw-${uid()}@@"`;
  return JSON.stringify(withAt(body, path, JSON.parse(marker))).replace(marker, raw);
}

type ClassInput = { cls: string; input: Input };
function classInputs(route: RouteSpec): ClassInput[] {
  const params = ownParams(route);
  const out: ClassInput[] = [];
  const add = (cls: string, input: Partial<Input>) =>
    out.push({
      cls,
      input: {
        params,
        query: "",
        ...input,
        body: input.body ?? (route.body ? JSON.stringify(route.body()) : undefined),
      },
    });
  const paramNames = Object.keys(params).filter((k) => k !== "path");

  // Object.prototype member names: as query parameter names, as q keys, as path parameters, as body keys.
  add("prototype keys", { query: "?" + PROTOTYPE_KEYS.map((k) => `${k}=1`).join("&") });
  for (const k of PROTOTYPE_KEYS) add("prototype keys", { query: `?q=${encodeURIComponent(`${k}=x`)}` });
  for (const p of paramNames) for (const k of PROTOTYPE_KEYS) add("prototype keys", { params: { ...params, [p]: k } });
  if (route.body) {
    const valid = route.body();
    for (const path of leafPaths(valid, true).filter((p) => !Array.isArray(getAt(valid, p))))
      for (const k of PROTOTYPE_KEYS)
        add("prototype keys", { body: withRawAt(valid, [...path, k], `{"polluted":true}`) });
  }

  // Deep nesting: the whole body, and each field in turn, 5,000 levels deep.
  if (route.body) {
    const valid = route.body();
    add("deep nesting", { body: deepArray(5_000) });
    add("deep nesting", { body: withRawAt(valid, ["extra"], deepArray(5_000)) });
    for (const path of leafPaths(valid, true)
      .concat(leafPaths(valid))
      .filter((p) => p.length > 0))
      add("deep nesting", { body: withRawAt(valid, path, deepArray(5_000)) });
  }

  // NUL: in each query parameter, each path parameter, each string of the body.
  for (const q of QUERY_PARAMS) add("NUL", { query: `?${q}=a%00b` });
  add("NUL", { query: "?a%00b=1" });
  for (const p of paramNames) add("NUL", { params: { ...params, [p]: "a\u0000b" } });
  if (route.body) {
    const valid = route.body();
    for (const path of leafPaths(valid).filter((p) => typeof getAt(valid, p) === "string"))
      add("NUL", { body: JSON.stringify(withAt(valid, path, "a\u0000b")) });
  }

  // Out-of-range numbers: paging parameters, ids in q, id path parameters, each number of the body.
  for (const v of OUT_OF_RANGE)
    for (const q of ["page", "page_size", "limit"]) add("out-of-range numbers", { query: `?${q}=${v}` });
  for (const v of OUT_OF_RANGE) add("out-of-range numbers", { query: `?q=${encodeURIComponent(`id=${v}`)}` });
  add("out-of-range numbers", { query: `?q=${encodeURIComponent("id=[-1~99999999999]")}` });
  for (const p of paramNames.filter((k) => k !== "project_name_or_id"))
    for (const v of OUT_OF_RANGE) add("out-of-range numbers", { params: { ...params, [p]: v } });
  if (params.project_name_or_id)
    for (const v of OUT_OF_RANGE) add("out-of-range numbers", { params: { ...params, project_name_or_id: v } });
  if (route.body) {
    const valid = route.body();
    for (const path of leafPaths(valid).filter((p) => typeof getAt(valid, p) === "number"))
      for (const n of OUT_OF_RANGE_NUMBERS)
        add("out-of-range numbers", { body: JSON.stringify(withAt(valid, path, n)) });
  }
  return out;
}

describe("hostile input classes: every API route, every parameter and field", () => {
  it.each(ROUTES.map((r) => [r.name, r] as const))(
    "%s",
    async (_name, route) => {
      for (const { cls, input } of classInputs(route)) {
        const r = await send(route, input);
        expect(r.status, `${cls}: ${JSON.stringify(input).slice(0, 400)} → ${r.text.slice(0, 200)}`).toBeLessThan(500);
        judge(route, input, r);
        classCounts[cls] = (classCounts[cls] ?? 0) + 1;
      }
    },
    120_000,
  );

  afterAll(() => {
    const total = Object.values(classCounts).reduce((a, b) => a + b, 0);
    recordFigure("hostile-classes", { routes: ROUTES.length, inputs: total, ...classCounts });
    console.log(
      `hostile classes: ${total} inputs over ${ROUTES.length} routes (${Object.entries(classCounts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})`,
    );
  });
});

type ActionResult = { ok: boolean; code?: string };
const form = (entries: Record<string, unknown>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries))
    if (v !== undefined) f.set(k, typeof v === "string" ? v : JSON.stringify(v));
  return f;
};
const formArb = (keys: string[]) =>
  fc
    .record(
      Object.fromEntries(
        keys.map((k) => [
          k,
          fc.oneof(hostileString, fc.constantFrom("on", "test", "live", "guest", "projectAdmin", "3", "10")),
        ]),
      ),
      { requiredKeys: [] },
    )
    .map(form);
const projectArg = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).map(() => w.p.name) },
  { weight: 2, arbitrary: hostileString },
);
const numArg = (own: () => number) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(null).map(own) },
    { weight: 2, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.integer({ min: 2 ** 31, max: 2 ** 52 }) },
  );

type ActionSpec = { name: string; run: fc.Arbitrary<() => Promise<ActionResult>> };
const ACTIONS: ActionSpec[] = [
  {
    name: "createPolicyAction",
    run: fc
      .tuple(
        projectArg,
        hostileBody(policyBody()).map((t) => {
          try {
            return JSON.parse(t) as unknown;
          } catch {
            return t;
          }
        }),
      )
      .map(
        ([p, input]) =>
          () =>
            webhookActions.createPolicyAction(p, input),
      ),
  },
  {
    name: "updatePolicyAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        hostileBody(policyBody()).map((t) => {
          try {
            return JSON.parse(t) as unknown;
          } catch {
            return t;
          }
        }),
      )
      .map(
        ([p, id, input]) =>
          () =>
            webhookActions.updatePolicyAction(p, id as number, input),
      ),
  },
  {
    name: "isPolicyNameTakenAction",
    run: fc.tuple(projectArg, hostileValue, hostileValue).map(
      ([p, n, e]) =>
        () =>
          webhookActions.isPolicyNameTakenAction(p, n as string, e as number),
    ),
  },
  {
    name: "setPolicyEnabledAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        hostileValue,
      )
      .map(
        ([p, id, en]) =>
          () =>
            webhookActions.setPolicyEnabledAction(p, id as number, en as boolean),
      ),
  },
  {
    name: "deletePolicyAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => 2 ** 40),
      )
      .map(
        ([p, id]) =>
          () =>
            webhookActions.deletePolicyAction(p, id as number),
      ),
  },
  {
    name: "sendTestEventAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        fc.oneof(hostileValue, fc.constantFrom("PUSH_ARTIFACT", "TAG_RETENTION")),
      )
      .map(
        ([p, id, t]) =>
          () =>
            webhookActions.sendTestEventAction(p, id as number, t),
      ),
  },
  {
    name: "resumeTargetAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        numArg(() => w.pol.targets[0].id),
      )
      .map(
        ([p, id, t]) =>
          () =>
            webhookActions.resumeTargetAction(p, id as number, t as number),
      ),
  },
  {
    name: "rotateSigningKeyAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
      )
      .map(
        ([p, id]) =>
          () =>
            webhookActions.rotateSigningKeyAction(p, id as number),
      ),
  },
  {
    name: "stopExecutionAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        numArg(() => w.delivery.execution.id),
      )
      .map(
        ([p, id, e]) =>
          () =>
            webhookActions.stopExecutionAction(p, id as number, e as number),
      ),
  },
  {
    name: "redeliverTaskAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        numArg(() => w.delivery.task.id),
      )
      .map(
        ([p, id, t]) =>
          () =>
            webhookActions.redeliverTaskAction(p, id as number, t as number),
      ),
  },
  {
    name: "redeliverFailedAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.pol.id),
        fc.oneof(hostileValue, fc.record({ from: hostileValue, to: hostileValue, include_stopped: hostileValue })),
      )
      .map(
        ([p, id, r]) =>
          () =>
            webhookActions.redeliverFailedAction(p, id as number, r),
      ),
  },
  {
    name: "createApiKeyAction",
    run: fc.tuple(projectArg, formArb(["mode", "name"])).map(
      ([p, f]) =>
        () =>
          apiKeyActions.createApiKeyAction(p, undefined, f),
    ),
  },
  {
    name: "revokeApiKeyAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => 2 ** 40),
      )
      .map(
        ([p, id]) =>
          () =>
            apiKeyActions.revokeApiKeyAction(p, id as number),
      ),
  },
  {
    name: "createProjectAction",
    run: formArb(["name", "public"]).map((f) => () => projectActions.createProjectAction(undefined, f)),
  },
  {
    name: "addMemberAction",
    run: fc.tuple(projectArg, formArb(["username", "role"])).map(
      ([p, f]) =>
        () =>
          projectActions.addMemberAction(p, undefined, f),
    ),
  },
  {
    name: "updateMemberRoleAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => w.membership.id),
        fc.oneof(hostileString, fc.constantFrom("guest", "developer")),
      )
      .map(
        ([p, id, role]) =>
          () =>
            projectActions.updateMemberRoleAction(p, id as number, role),
      ),
  },
  {
    name: "removeMemberAction",
    run: fc
      .tuple(
        projectArg,
        numArg(() => 2 ** 40),
      )
      .map(
        ([p, id]) =>
          () =>
            projectActions.removeMemberAction(p, id as number),
      ),
  },
  {
    name: "createUserAction",
    run: formArb(["username", "password", "email", "sysadmin"]).map(
      (f) => () => userActions.createUserAction(undefined, f),
    ),
  },
  {
    name: "setSysadminAction",
    run: fc
      .tuple(
        numArg(() => w.guest.user.id),
        hostileValue,
      )
      .map(
        ([id, s]) =>
          () =>
            userActions.setSysadminAction(id as number, s as boolean),
      ),
  },
  {
    name: "updateSettingsAction",
    run: formArb([
      "webhooksEnabled",
      "maxAttempts",
      "httpTimeoutSeconds",
      "allowedNetworks",
      "retentionCount",
      "retentionDays",
      "destinationLimit",
      "signingOverlapHours",
      "registryToken",
      "removeRegistryToken",
    ]).map((f) => () => settingsActions.updateSettingsAction(undefined, f)),
  },
];

describe("fuzz: every server action (as a project admin: system-wide actions are refused after validation)", () => {
  it.each(ACTIONS.map((a) => [a.name, a] as const))(
    "%s",
    async (name, action) => {
      await fc.assert(
        fc.asyncProperty(action.run, async (run) => {
          signedIn.uid = w.admin.user.id;
          let result: ActionResult;
          try {
            result = await run();
          } catch (err) {
            serverErrors.push(`${name} threw ${(err as Error).message}`);
            throw err;
          }
          inputs++;
          if (!result.ok && result.code === "internal_error") serverErrors.push(`${name} → internal_error`);
          expect(result.ok || result.code !== "internal_error", `${name} answered internal_error`).toBe(true);
        }),
        { numRuns: Math.ceil(RUNS / 2), endOnFailure: true },
      );
    },
    120_000,
  );
});

describe("after the fuzzing", () => {
  it("the database is consistent and nothing leaked into other projects", async () => {
    const db = await getDb();
    const mine = await db.webhookPolicy.findMany({
      where: { projectId: w.p.id },
      include: { targets: true, signingKeys: true },
    });
    for (const p of mine) {
      expect(p.signingKeys.length, `policy ${p.id} has a signing key`).toBeGreaterThan(0);
      if (p.kind === "destination") expect(p.targets, `destination ${p.id}`).toHaveLength(1);
      else {
        expect(p.targets.length, `policy ${p.id} targets`).toBeGreaterThanOrEqual(1);
        expect(p.targets.length).toBeLessThanOrEqual(10);
      }
      for (const t of p.targets) {
        expect(["http", "slack"]).toContain(t.type);
        // No auth header with a line break was ever stored (it would become an injected header).
        expect(decryptOptional(t.authHeaderEnc) ?? "").not.toMatch(/[\r\n\0]/);
      }
    }
    const names = mine.filter((p) => p.kind === "policy").map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    // The Harbor list agrees with the database.
    signedIn.uid = w.admin.user.id;
    const list = await policies.GET(
      new NextRequest(`http://localhost/api/v2.0/projects/${w.p.name}/webhook/policies?page_size=1`),
      { params: Promise.resolve({ project_name_or_id: w.p.name }) },
    );
    expect(Number(list.headers.get("x-total-count"))).toBe(names.length);
    // One task per execution, on the same policy and target; no orphans anywhere.
    const orphans = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
      `SELECT COUNT(*) AS n FROM "WebhookTarget" t LEFT JOIN "WebhookPolicy" p ON p."id" = t."policyId" WHERE p."id" IS NULL`,
    );
    expect(Number(orphans[0].n)).toBe(0);
    const mismatched = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
      `SELECT COUNT(*) AS n FROM "Task" k JOIN "Execution" e ON e."id" = k."executionId" WHERE k."policyId" <> e."policyId" OR k."targetId" <> e."targetId"`,
    );
    expect(Number(mismatched[0].n)).toBe(0);
    const execs = await db.execution.findMany({
      where: { policy: { projectId: { in: [w.p.id, w.e.id] } } },
      select: { _count: { select: { tasks: true } } },
    });
    expect(execs.filter((e) => e._count.tasks !== 1)).toEqual([]);
    // The other project was never touched: its one policy and its targets are as made.
    const other = await db.webhookPolicy.findMany({ where: { projectId: w.other.id }, include: { targets: true } });
    expect(other.map((p) => [p.id, p.name, p.targets.length, p.enabled])).toEqual([
      [w.otherPol.id, w.otherPol.name, 2, true],
    ]);
    // What the fuzzer's system admin created passed validation: project and user names as the schemas allow.
    const created = await db.auditLog.findMany({
      where: { actor: w.sys.user.username, action: { in: ["project.create", "user.create"] } },
    });
    const projectNames = (
      await db.project.findMany({
        where: { id: { in: created.filter((a) => a.action === "project.create").map((a) => Number(a.objectId)) } },
        select: { name: true },
      })
    ).map((p) => p.name);
    const userNames = (
      await db.user.findMany({
        where: { id: { in: created.filter((a) => a.action === "user.create").map((a) => Number(a.objectId)) } },
        select: { username: true },
      })
    ).map((u) => u.username);
    expect(projectNames.filter((n) => !/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(n))).toEqual([]);
    expect(userNames.filter((n) => !/^[A-Za-z0-9._@-]+$/.test(n))).toEqual([]);
    expect(projectNames.length + userNames.length).toBeGreaterThan(0);

    const routesTried = ROUTES.length;
    recordFigure("fuzz", { inputs, serverErrors: serverErrors.length, routes: routesTried, actions: ACTIONS.length });
    console.log(
      `fuzz: ${inputs} inputs over ${routesTried} routes and ${ACTIONS.length} server actions, ${serverErrors.length} server errors`,
    );
    expect(serverErrors).toEqual([]);
    expect(inputs).toBeGreaterThan(0);
    void NASTY_STRINGS;
  });
});
