// The webhook part of the Harbor-compatible API: the CRUD sequence, validation and not-found
// errors, secrets, paging and filters, history, and our additions (stop, redeliver, rotation).
import { beforeAll, describe, expect, it, vi } from "vitest";
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
import { decryptOptional } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { ALL_EVENT_TYPES, EVENT_TYPES, OPERATIONAL_EVENT_TYPES } from "@/lib/shared/events";
import { buildDefaultPayload } from "@/lib/formats";
import { HARBOR_ZERO_TIME } from "@/lib/harbor-api/mappers";
import { harborWebhookJobSchema } from "@/lib/harbor-api/schemas";
import { newMessageId } from "@/lib/ids";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import { DEAD_URL, makeProject } from "../helpers/fixtures";
import { call, expectHarborError as expectError } from "../helpers/http";
import { harborError, makeDelivery, makePolicy, makeWorld, uniquePolicyName, type World } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});

const base = (p: { name: string } = w.project) => `/api/v2.0/projects/${p.name}/webhook`;
const pp = (p: { name: string } = w.project) => ({ project_name_or_id: p.name });
const polParams = (id: number, p: { name: string } = w.project) => ({ ...pp(p), webhook_policy_id: String(id) });

type HarborPolicyJson = {
  id: number;
  name: string;
  description: string;
  project_id: number;
  targets: { type: string; address: string; auth_header: string; skip_cert_verify: boolean; payload_format: string }[];
  event_types: string[];
  creator: string;
  creation_time: string;
  update_time: string;
  enabled: boolean;
};

describe("the Harbor-style CRUD sequence", () => {
  it("creates with two targets, reads, updates, deletes, and then answers 404", async () => {
    const name = uniquePolicyName("crud");
    const before = Date.now();
    const create = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: {
        name,
        description: "notify CI",
        enabled: true,
        event_types: ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
        targets: [
          {
            type: "http",
            address: "https://ci.example.com/hook",
            auth_header: "Bearer top-secret",
            skip_cert_verify: true,
            payload_format: "CloudEvents",
          },
          { type: "slack", address: "https://hooks.slack.com/services/T000/B000/XXX" },
        ],
        // Set by the server, whatever the client says.
        creator: "mallory",
        creation_time: "2001-01-01T00:00:00Z",
      },
    });
    expect(create.status, create.text).toBe(201);
    const { id, signing_secret } = create.json as { id: number; signing_secret: string };
    expect(create.headers.get("location")).toBe(`${base()}/policies/${id}`);
    expect(create.json).toEqual({ id, signing_secret });
    expect(signing_secret).toMatch(/^whsec_/);

    const read = await call(policy.GET, create.headers.get("location")!, {
      params: polParams(id),
      auth: w.auth.projectAdmin,
    });
    expect(read.status).toBe(200);
    const p = read.json as HarborPolicyJson;
    expect(p).toMatchObject({
      id,
      name,
      description: "notify CI",
      project_id: w.project.id,
      targets: [
        {
          type: "http",
          address: "https://ci.example.com/hook",
          auth_header: SECRET_MASK,
          skip_cert_verify: true,
          payload_format: "CloudEvents",
        },
        {
          type: "slack",
          address: "https://hooks.slack.com/services/T000/B000/XXX",
          auth_header: "",
          skip_cert_verify: false,
          payload_format: "",
        },
      ],
      event_types: ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
      creator: w.users.admin.user.username,
      enabled: true,
    });
    expect(Date.parse(p.creation_time)).toBeGreaterThanOrEqual(before - 1000);
    expect(read.text).not.toContain("top-secret");

    // Harbor's PUT carries the whole object; this client leaves auth_header out, which keeps it.
    const update = await call(policy.PUT, `${base()}/policies/${id}`, {
      method: "PUT",
      params: polParams(id),
      auth: w.auth.projectAdmin,
      body: {
        ...p,
        description: "notify CI and chat",
        enabled: false,
        event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
        targets: [
          { type: "http", address: "https://ci.example.com/hook2", skip_cert_verify: false, payload_format: "Default" },
          p.targets[1],
        ],
      },
    });
    expect(update.status, update.text).toBe(200);
    expect(update.json).toMatchObject({
      id,
      description: "notify CI and chat",
      enabled: false,
      event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
      creator: w.users.admin.user.username,
    });
    const stored = await (await getDb()).webhookTarget.findFirstOrThrow({ where: { policyId: id, position: 0 } });
    expect(decryptOptional(stored.authHeaderEnc)).toBe("Bearer top-secret");
    expect(stored.address).toBe("https://ci.example.com/hook2");

    const reread = await call(policy.GET, `${base()}/policies/${id}`, { params: polParams(id), auth: w.auth.liveKey });
    expect(reread.json).toMatchObject({
      description: "notify CI and chat",
      targets: [{ auth_header: SECRET_MASK, payload_format: "Default" }, { type: "slack" }],
    });

    const del = await call(policy.DELETE, `${base()}/policies/${id}`, {
      method: "DELETE",
      params: polParams(id),
      auth: w.auth.projectAdmin,
    });
    expect(del.status).toBe(200);
    expect(del.text).toBe("");
    const gone = await call(policy.GET, `${base()}/policies/${id}`, {
      params: polParams(id),
      auth: w.auth.projectAdmin,
    });
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual(harborError("NOT_FOUND", "webhook policy not found"));
  });

  it("accepts the project id in place of its name", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const r = await call(policy.GET, `/api/v2.0/projects/${w.project.id}/webhook/policies/${p.id}`, {
      params: { project_name_or_id: String(w.project.id), webhook_policy_id: String(p.id) },
      auth: w.auth.testKey,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: p.id, project_id: w.project.id });
  });

  it("records an API key as the creator", async () => {
    const r = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.liveKey,
      body: {
        name: uniquePolicyName(),
        event_types: ["PULL_ARTIFACT"],
        targets: [{ type: "http", address: DEAD_URL }],
      },
    });
    expect(r.status).toBe(201);
    const id = (r.json as { id: number }).id;
    const read = await call(policy.GET, `${base()}/policies/${id}`, { params: polParams(id), auth: w.auth.liveKey });
    expect((read.json as HarborPolicyJson).creator).toBe("api-key:test");
  });

  it("clears the auth header when the client sends an empty one, and keeps it for the mask", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const body = {
      name: p.name,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: DEAD_URL, auth_header: SECRET_MASK }],
    };
    await call(policy.PUT, `${base()}/policies/${p.id}`, {
      method: "PUT",
      params: polParams(p.id),
      auth: w.auth.projectAdmin,
      body,
    });
    const db = await getDb();
    expect(
      decryptOptional((await db.webhookTarget.findFirstOrThrow({ where: { policyId: p.id } })).authHeaderEnc),
    ).toBe("Bearer top-secret");
    await call(policy.PUT, `${base()}/policies/${p.id}`, {
      method: "PUT",
      params: polParams(p.id),
      auth: w.auth.projectAdmin,
      body: { ...body, targets: [{ ...body.targets[0], auth_header: "" }] },
    });
    expect((await db.webhookTarget.findFirstOrThrow({ where: { policyId: p.id } })).authHeaderEnc).toBeNull();
  });
});

describe("secrets", () => {
  it.each([
    ["projectAdmin", SECRET_MASK],
    ["sysadmin", SECRET_MASK],
    ["liveKey", SECRET_MASK],
    ["testKey", SECRET_MASK],
    ["maintainer", ""],
  ] as const)("%s sees the auth header as %j, in the list and the single policy", async (caller, shown) => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const one = await call(policy.GET, `${base()}/policies/${p.id}`, { params: polParams(p.id), auth: w.auth[caller] });
    expect((one.json as HarborPolicyJson).targets[0].auth_header).toBe(shown);
    const list = await call(policies.GET, `${base()}/policies?q=name=${p.name}`, {
      params: pp(),
      auth: w.auth[caller],
    });
    expect((list.json as HarborPolicyJson[]).map((x) => x.targets[0].auth_header)).toEqual([shown]);
    for (const text of [one.text, list.text]) expect(text).not.toContain("top-secret");
  });
});

describe("chat notify types", () => {
  it("accepts a target of each chat type, reads it back with an empty payload format, and updates its type", async () => {
    const targets = [
      { type: "teams", address: "https://prod.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke" },
      { type: "googlechat", address: "https://chat.googleapis.com/v1/spaces/AAA/messages" },
      { type: "mattermost", address: "https://mattermost.example.com/hooks/xyz" },
      { type: "discord", address: "https://discord.com/api/webhooks/1/token", payload_format: "Default" },
    ];
    const create = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: { name: uniquePolicyName("chat"), event_types: ["PUSH_ARTIFACT"], targets },
    });
    expect(create.status).toBe(201);
    const id = Number(create.headers.get("location")!.split("/").pop());
    const read = await call(policy.GET, `${base()}/policies/${id}`, {
      params: polParams(id),
      auth: w.auth.projectAdmin,
    });
    const json = read.json as HarborPolicyJson;
    expect(json.targets.map((t) => [t.type, t.address, t.payload_format, t.auth_header])).toEqual(
      targets.map((t) => [t.type, t.address, "", ""]),
    );

    // A Harbor client's PUT (Harbor's fields only) of what it read keeps the types.
    const harborOnly = {
      ...json,
      targets: json.targets.map(({ type, address, auth_header, skip_cert_verify, payload_format }) => ({
        type,
        address,
        auth_header,
        skip_cert_verify,
        payload_format,
      })),
    };
    const put = await call(policy.PUT, `${base()}/policies/${id}`, {
      method: "PUT",
      params: polParams(id),
      auth: w.auth.projectAdmin,
      body: {
        ...harborOnly,
        targets: [{ ...harborOnly.targets[3], type: "mattermost" }, ...harborOnly.targets.slice(1)],
      },
    });
    expect(put.status).toBe(200);
    const after = await call(policy.GET, `${base()}/policies/${id}`, {
      params: polParams(id),
      auth: w.auth.projectAdmin,
    });
    expect((after.json as HarborPolicyJson).targets.map((t) => t.type)).toEqual([
      "mattermost",
      "googlechat",
      "mattermost",
      "discord",
    ]);
  });

  it("creates an email target and reads it back", async () => {
    const address = "mailto:ops@example.com,dev@example.com";
    const create = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: { name: uniquePolicyName("mail"), event_types: ["PUSH_ARTIFACT"], targets: [{ type: "email", address }] },
    });
    expect(create.status, create.text).toBe(201);
    const id = create.headers.get("location")!.split("/").pop()!;
    const read = await call(policy.GET, `${base()}/policies/${id}`, {
      params: polParams(Number(id)),
      auth: w.auth.maintainer,
    });
    expect((read.json as { targets: unknown[] }).targets).toEqual([
      expect.objectContaining({ type: "email", address, auth_header: "" }),
    ]);
  });

  it("names the chat type of a webhook job", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project, {
      targets: [{ type: "discord", address: "https://discord.com/api/webhooks/1/t" }],
    });
    await makeDelivery(p, { status: "Success" });
    const r = await call(jobs.GET, `${base()}/jobs?policy_id=${p.id}`, { params: pp(), auth: w.auth.maintainer });
    expect(r.status, r.text).toBe(200);
    expect((r.json as { notify_type: string }[]).map((j) => j.notify_type)).toEqual(["discord"]);
    expect(harborWebhookJobSchema.safeParse((r.json as unknown[])[0]).success).toBe(true);
  });
});

describe("validation errors (400, Harbor's error shape)", () => {
  const valid = () => ({
    name: uniquePolicyName("v"),
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: DEAD_URL }],
  });
  it.each([
    [
      "an unknown event type",
      { event_types: ["PUSH_ARTIFACT", "NOPE"] },
      `event_types.1: Choose from ${EVENT_TYPES.join(", ")} (instance-wide webhooks also ${OPERATIONAL_EVENT_TYPES.join(", ")}).`,
    ],
    ["no event types", { event_types: [] }, "event_types: Choose at least one event type."],
    ["no targets", { targets: [] }, "targets: Add at least one target."],
    [
      "a URL that is not http(s)",
      { targets: [{ type: "http", address: "ftp://example.com/x" }] },
      "targets.0.address: Enter a URL that starts with http:// or https://, such as https://ci.example.com/hook.",
    ],
    [
      "a malformed URL",
      { targets: [{ type: "http", address: "not a url" }] },
      "targets.0.address: Enter a URL that starts with http:// or https://, such as https://ci.example.com/hook.",
    ],
    [
      "a payload format on a Slack target",
      { targets: [{ type: "slack", address: "https://hooks.slack.com/x", payload_format: "CloudEvents" }] },
      "targets.0.payload_format: Slack targets always get the Slack message: leave the payload format empty or Default.",
    ],
    [
      "an unknown notify type",
      { targets: [{ type: "sms", address: "https://example.com" }] },
      "targets.0.type: Choose one of http, slack, teams, googlechat, mattermost, discord, email.",
    ],
    [
      "an email target with a URL",
      { targets: [{ type: "email", address: "https://example.com/hook" }] },
      "targets.0.address: Enter a mailto: address with one or more recipients, such as mailto:ops@example.com,dev@example.com.",
    ],
    [
      "an email target with a bare address",
      { targets: [{ type: "email", address: "ops@example.com" }] },
      "targets.0.address: Enter a mailto: address with one or more recipients, such as mailto:ops@example.com,dev@example.com.",
    ],
    [
      "an email target with an invalid recipient",
      { targets: [{ type: "email", address: "mailto:ops@example.com,not-an-address" }] },
      'targets.0.address: "not-an-address" is not an email address such as ops@example.com.',
    ],
    [
      "an email target with 21 recipients",
      {
        targets: [
          { type: "email", address: `mailto:${Array.from({ length: 21 }, (_, i) => `u${i}@example.com`).join(",")}` },
        ],
      },
      "targets.0.address: Use at most 20 recipients (this has 21).",
    ],
    [
      "an email target with no recipient",
      { targets: [{ type: "email", address: "mailto:" }] },
      "targets.0.address: Name at least one recipient, such as mailto:ops@example.com,dev@example.com.",
    ],
    [
      "an email target with header parameters",
      { targets: [{ type: "email", address: "mailto:ops@example.com?bcc=x@example.com" }] },
      "targets.0.address: Leave out ?subject=, ?cc= and other mailto parameters: the message and its recipients are set here.",
    ],
    [
      "a recipient with a line break",
      { targets: [{ type: "email", address: "mailto:ops@example.com%0D%0ABcc:x@example.com" }] },
      'targets.0.address: "ops@example.com\\r\\nBcc:x@example.com" is not an email address such as ops@example.com.',
    ],
    [
      "a mailto: address on an http target",
      { targets: [{ type: "http", address: "mailto:ops@example.com" }] },
      "targets.0.address: Enter a URL that starts with http:// or https://, such as https://ci.example.com/hook. For email, choose the Email type.",
    ],
    [
      "CloudEvents on a Discord target",
      {
        targets: [{ type: "discord", address: "https://discord.com/api/webhooks/1/t", payload_format: "CloudEvents" }],
      },
      "targets.0.payload_format: Discord targets always get the Discord message: leave the payload format empty or Default.",
    ],
    [
      "an auth header on a Teams target",
      { targets: [{ type: "teams", address: "https://x.logic.azure.com/workflows/w", auth_header: "Bearer x" }] },
      "targets.0.auth_header: Microsoft Teams targets take no auth header: leave it empty.",
    ],
    [
      "a chat type in another spelling",
      { targets: [{ type: "Teams", address: "https://x.logic.azure.com/workflows/w" }] },
      "targets.0.type: Choose one of http, slack, teams, googlechat, mattermost, discord, email.",
    ],
    ["an empty name", { name: "  " }, "name: Enter a name."],
  ])("POST with %s", async (_what, change, message) => {
    const r = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: { ...valid(), ...change },
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual(harborError("BAD_REQUEST", message));
  });

  it("PUT validates with the same schema", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const r = await call(policy.PUT, `${base()}/policies/${p.id}`, {
      method: "PUT",
      params: polParams(p.id),
      auth: w.auth.projectAdmin,
      body: { ...valid(), targets: [] },
    });
    expect(r.json).toEqual(harborError("BAD_REQUEST", "targets: Add at least one target."));
  });

  it("refuses bodies that are not JSON", async () => {
    const r = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: "{nope",
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual(harborError("BAD_REQUEST", "request body is not valid JSON"));
  });

  it("answers 409 for a duplicate name, on create and on rename", async () => {
    const a = await makePolicy(w.users.sys.actor, w.project);
    const b = await makePolicy(w.users.sys.actor, w.project);
    const dup = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: { ...valid(), name: a.name },
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual(
      harborError("CONFLICT", `A webhook named "${a.name}" already exists in this project. Choose another name.`),
    );
    const rename = await call(policy.PUT, `${base()}/policies/${b.id}`, {
      method: "PUT",
      params: polParams(b.id),
      auth: w.auth.projectAdmin,
      body: { ...valid(), name: a.name },
    });
    expect(rename.status).toBe(409);
    // The same name in another project is fine.
    const elsewhere = await call(policies.POST, `${base(w.other)}/policies`, {
      method: "POST",
      params: pp(w.other),
      auth: w.auth.sysadmin,
      body: { ...valid(), name: a.name },
    });
    expect(elsewhere.status).toBe(201);
  });
});

describe("objects of another project or policy are 404", () => {
  it("answers 404 for a policy id of another project, whatever the verb", async () => {
    const foreign = await makePolicy(w.users.sys.actor, w.other);
    const path = `${base()}/policies/${foreign.id}`;
    const params = polParams(foreign.id);
    const notFound = harborError("NOT_FOUND", "webhook policy not found");
    expect((await call(policy.GET, path, { params, auth: w.auth.sysadmin })).json).toEqual(notFound);
    expect(
      (
        await call(policy.PUT, path, {
          method: "PUT",
          params,
          auth: w.auth.sysadmin,
          body: { name: "x", event_types: ["PUSH_ARTIFACT"], targets: [{ type: "http", address: DEAD_URL }] },
        })
      ).json,
    ).toEqual(notFound);
    expect((await call(policy.DELETE, path, { method: "DELETE", params, auth: w.auth.liveKey })).json).toEqual(
      notFound,
    );
    expect((await call(executions.GET, `${path}/executions`, { params, auth: w.auth.projectAdmin })).json).toEqual(
      notFound,
    );
    expect(
      (await call(rotate.POST, `${path}/signing-keys/rotate`, { method: "POST", params, auth: w.auth.projectAdmin }))
        .json,
    ).toEqual(notFound);
    // still there
    expect(await (await getDb()).webhookPolicy.count({ where: { id: foreign.id } })).toBe(1);
  });

  it("answers 404 for an execution of another policy and a task of another execution", async () => {
    const p1 = await makePolicy(w.users.sys.actor, w.project);
    const p2 = await makePolicy(w.users.sys.actor, w.project);
    const d1 = await makeDelivery(p1);
    const d2 = await makeDelivery(p2);
    const wrongExec = { ...polParams(p1.id), execution_id: String(d2.execution.id) };
    const r1 = await call(execution.GET, `${base()}/policies/${p1.id}/executions/${d2.execution.id}`, {
      params: wrongExec,
      auth: w.auth.projectAdmin,
    });
    expect(r1.json).toEqual(harborError("NOT_FOUND", "execution not found"));
    expect((await call(tasks.GET, "/x", { params: wrongExec, auth: w.auth.projectAdmin })).json).toEqual(
      harborError("NOT_FOUND", "execution not found"),
    );
    const d1b = await makeDelivery(p1);
    const wrongTask = { ...polParams(p1.id), execution_id: String(d1.execution.id), task_id: String(d1b.task.id) };
    expect((await call(taskLog.GET, "/x", { params: wrongTask, auth: w.auth.projectAdmin })).json).toEqual(
      harborError("NOT_FOUND", "task not found"),
    );
    expect(
      (await call(taskRedeliver.POST, "/x", { method: "POST", params: wrongTask, auth: w.auth.projectAdmin })).json,
    ).toEqual(harborError("NOT_FOUND", "task not found"));
  });

  it.each(["abc", "0", "-1", "1.5", "2147483648", "99999999999"])("answers 404 for the policy id %j", async (id) => {
    const r = await call(policy.GET, `${base()}/policies/${id}`, {
      params: { ...pp(), webhook_policy_id: id },
      auth: w.auth.projectAdmin,
    });
    expect(r.json).toEqual(harborError("NOT_FOUND", "webhook policy not found"));
  });

  it.each(["no-such-project", "987654321", "99999999999"])("answers 404 for the unknown project %j", async (name) => {
    const r = await call(policies.GET, `/api/v2.0/projects/${name}/webhook/policies`, {
      params: { project_name_or_id: name },
      auth: w.auth.sysadmin,
    });
    expect(r.status).toBe(404);
    expect(r.json).toEqual(harborError("NOT_FOUND", "project not found"));
  });
});

describe("listing policies", () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  const names: string[] = [];
  beforeAll(async () => {
    project = await makeProject();
    for (let i = 0; i < 12; i++) {
      const p = await makePolicy(w.users.sys.actor, project, {
        name: `${i % 3 === 0 ? "build" : "scan"}-${String(i).padStart(2, "0")}`,
      });
      names.push(p.name);
    }
  });
  const list = (query: string) =>
    call(policies.GET, `/api/v2.0/projects/${project.name}/webhook/policies${query}`, {
      params: { project_name_or_id: project.name },
      auth: w.auth.sysadmin,
    });

  it("pages with X-Total-Count and Harbor's Link header", async () => {
    const r = await list("?page=2&page_size=5&sort=name");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-total-count")).toBe("12");
    expect((r.json as HarborPolicyJson[]).map((p) => p.name)).toEqual([...names].sort().slice(5, 10));
    const path = `/api/v2.0/projects/${project.name}/webhook/policies`;
    expect(r.headers.get("link")).toBe(
      `<${path}?page=1&page_size=5&sort=name>; rel="prev" , <${path}?page=3&page_size=5&sort=name>; rel="next"`,
    );
    const last = await list("?page=3&page_size=5&sort=name");
    expect((last.json as unknown[]).length).toBe(2);
    expect(last.headers.get("link")).toBe(`<${path}?page=2&page_size=5&sort=name>; rel="prev"`);
  });

  it("defaults to 10 per page, newest first, and has no Link when everything fits", async () => {
    const r = await list("");
    expect((r.json as HarborPolicyJson[]).map((p) => p.name)).toEqual([...names].reverse().slice(0, 10));
    expect(r.headers.get("link")).toBe(
      `</api/v2.0/projects/${project.name}/webhook/policies?page=2&page_size=10>; rel="next"`,
    );
    const all = await list("?page_size=100");
    expect(all.headers.get("link")).toBeNull();
    expect((all.json as unknown[]).length).toBe(12);
  });

  it("filters with q=name=~ (fuzzy) and q=name= (exact) and sorts descending", async () => {
    const fuzzy = await list("?q=" + encodeURIComponent("name=~build") + "&sort=-name");
    expect((fuzzy.json as HarborPolicyJson[]).map((p) => p.name)).toEqual([
      "build-09",
      "build-06",
      "build-03",
      "build-00",
    ]);
    expect(fuzzy.headers.get("x-total-count")).toBe("4");
    const exact = await list("?q=name=scan-04");
    expect((exact.json as HarborPolicyJson[]).map((p) => p.name)).toEqual(["scan-04"]);
    expect(exact.headers.get("x-total-count")).toBe("1");
    expect(((await list("?q=name=scan")).json as unknown[]).length).toBe(0);
  });

  it("matches nothing, without an error, for a name filter longer than any policy name", async () => {
    const r = await list("?q=" + encodeURIComponent(`name=~${"b".repeat(60_000)}`));
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual([]);
    expect(r.headers.get("x-total-count")).toBe("0");
  });

  it.each([
    ["?page_size=101", "page_size: must be at most 100", "page_size"],
    ["?page_size=0", "page_size: must be at least 1", "page_size"],
    ["?page=0", "page: must be at least 1", "page"],
    ["?page=two", "page: must be a whole number", "page"],
    ["?q=enabled=true", "q: unsupported key enabled; supported: name", "q"],
    ["?q=name=[a~b]", "q: name supports exact match (k=v) or fuzzy match (k=~v) only", "q"],
    ["?q=oops", 'q: "oops" is not key=value', "q"],
    [
      "?sort=color",
      "sort: cannot sort by color; use name, creation_time, update_time, enabled, id (prefix - for descending)",
      "sort",
    ],
  ])("answers 400 for %s", async (query, message) => {
    const r = await list(query);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(harborError("BAD_REQUEST", message));
  });
});

describe("executions, tasks and logs", () => {
  it("lists executions in Harbor's shape, newest first, with filters and paging", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const first = await makeDelivery(p, { status: "Success", eventType: "PUSH_ARTIFACT" });
    const second = await makeDelivery(p, { status: "Error", eventType: "PULL_ARTIFACT" });
    const third = await makeDelivery(p, { status: "Pending", eventType: "PUSH_ARTIFACT", targetIndex: 1 });
    const path = `${base()}/policies/${p.id}/executions`;
    const r = await call(executions.GET, path, { params: polParams(p.id), auth: w.auth.maintainer });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-total-count")).toBe("3");
    const items = r.json as Record<string, unknown>[];
    expect(items.map((e) => e.id)).toEqual([third.execution.id, second.execution.id, first.execution.id]);
    expect(items[1]).toEqual({
      id: second.execution.id,
      vendor_type: "WEBHOOK",
      vendor_id: p.id,
      status: "Error",
      status_message: "connection refused",
      metrics: {
        task_count: 1,
        success_task_count: 0,
        error_task_count: 1,
        pending_task_count: 0,
        running_task_count: 0,
        scheduled_task_count: 0,
        stopped_task_count: 0,
      },
      trigger: "EVENT",
      extra_attrs: {
        event_type: "PULL_ARTIFACT",
        project_id: w.project.id,
        payload: buildDefaultPayload(second.sample).body,
      },
      start_time: second.execution.startTime.toISOString(),
      end_time: second.execution.endTime!.toISOString(),
    });
    expect(items[0]).toMatchObject({
      vendor_type: "SLACK",
      status: "Pending",
      end_time: HARBOR_ZERO_TIME,
      metrics: { pending_task_count: 1 },
    });

    const q = (query: string) =>
      call(executions.GET, `${path}?${query}`, { params: polParams(p.id), auth: w.auth.liveKey });
    expect(((await q("q=status=Error")).json as { id: number }[]).map((e) => e.id)).toEqual([second.execution.id]);
    expect(((await q("q=" + encodeURIComponent("status=~success"))).json as { id: number }[]).map((e) => e.id)).toEqual(
      [first.execution.id],
    );
    expect(((await q("q=event_type=PUSH_ARTIFACT")).json as { id: number }[]).map((e) => e.id)).toEqual([
      third.execution.id,
      first.execution.id,
    ]);
    const paged = await q("page=2&page_size=1&sort=-id");
    expect((paged.json as { id: number }[]).map((e) => e.id)).toEqual([second.execution.id]);
    expect(paged.headers.get("x-total-count")).toBe("3");
    expect(paged.headers.get("link")).toBe(
      `<${path}?page=1&page_size=1&sort=-id>; rel="prev" , <${path}?page=3&page_size=1&sort=-id>; rel="next"`,
    );
    const range = await q("q=" + encodeURIComponent("start_time=[2000-01-01T00:00:00Z~2001-01-01T00:00:00Z]"));
    expect(range.json).toEqual([]);
    expect((await q("q=status=Broken")).json).toEqual(
      harborError("BAD_REQUEST", "q: status must be one of Pending, Running, Success, Error, Stopped"),
    );
    expect((await q("q=event_type=NOPE")).json).toEqual(
      harborError("BAD_REQUEST", `q: event_type must be one of ${ALL_EVENT_TYPES.join(", ")}`),
    );
  });

  it("lists an execution's tasks with their webhook-id and attempts, and serves the log as text/plain", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const d = await makeDelivery(p, { status: "Error" });
    const params = { ...polParams(p.id), execution_id: String(d.execution.id) };
    const r = await call(tasks.GET, `${base()}/policies/${p.id}/executions/${d.execution.id}/tasks`, {
      params,
      auth: w.auth.maintainer,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-total-count")).toBe("1");
    expect(r.json).toEqual([
      {
        id: d.task.id,
        execution_id: d.execution.id,
        status: "Error",
        status_message: "connection refused",
        run_count: 1,
        extra_attrs: {
          webhook_id: d.task.webhookId,
          attempts: [
            {
              number: 1,
              started_at: d.task.startTime!.toISOString(),
              duration_ms: 12,
              response_status: null,
              response_excerpt: null,
              error: "connect ECONNREFUSED 127.0.0.1:9",
            },
          ],
        },
        creation_time: d.task.createdAt.toISOString(),
        update_time: d.task.updatedAt.toISOString(),
        start_time: d.task.startTime!.toISOString(),
        end_time: d.task.endTime!.toISOString(),
      },
    ]);
    const log = await call(taskLog.GET, "/log", {
      params: { ...params, task_id: String(d.task.id) },
      auth: w.auth.maintainer,
    });
    expect(log.status).toBe(200);
    expect(log.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const at = d.task.startTime!.toISOString();
    expect(log.text).toBe(
      `${at} [INFO] start to run webhook job\n${at} [ERROR] failed to run webhook job: connect ECONNREFUSED\n`,
    );
  });

  it("stops a pending execution with PATCH {status: Stopped}; other statuses are refused", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const d = await makeDelivery(p, { status: "Pending" });
    const params = { ...polParams(p.id), execution_id: String(d.execution.id) };
    const bad = await call(execution.PATCH, "/x", {
      method: "PATCH",
      params,
      auth: w.auth.projectAdmin,
      body: { status: "Running" },
    });
    expect(bad.json).toEqual(harborError("BAD_REQUEST", 'status: only "Stopped" can be set: {"status":"Stopped"}'));
    const r = await call(execution.PATCH, "/x", {
      method: "PATCH",
      params,
      auth: w.auth.projectAdmin,
      body: { status: "Stopped" },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: d.execution.id, status: "Stopped", metrics: { stopped_task_count: 1 } });
    const task = await (await getDb()).task.findUniqueOrThrow({ where: { id: d.task.id } });
    expect(task.status).toBe("Stopped");
  });

  it("redelivers one finished task (202) and refuses one still pending (409)", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const done = await makeDelivery(p, { status: "Error" });
    const pending = await makeDelivery(p, { status: "Pending" });
    const paramsOf = (d: typeof done) => ({
      ...polParams(p.id),
      execution_id: String(d.execution.id),
      task_id: String(d.task.id),
    });
    const r = await call(taskRedeliver.POST, "/x", {
      method: "POST",
      params: paramsOf(done),
      auth: w.auth.projectAdmin,
    });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ redelivered: 1 });
    const logs = await (await getDb()).taskLog.findMany({ where: { taskId: done.task.id } });
    expect(logs.map((l) => l.message)).toContain(`redeliver requested by ${w.users.admin.user.username}`);
    const busy = await call(taskRedeliver.POST, "/x", {
      method: "POST",
      params: paramsOf(pending),
      auth: w.auth.projectAdmin,
    });
    expect(busy.status).toBe(409);
    expect(busy.json).toEqual(
      harborError("CONFLICT", "the task is still pending or running; stop it or wait for it to finish"),
    );
  });

  it("redelivers the failed tasks of a time range", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    await makeDelivery(p, { status: "Error" });
    await makeDelivery(p, { status: "Error" });
    await makeDelivery(p, { status: "Success" });
    await makeDelivery(p, { status: "Error", startTime: new Date("2021-06-01T00:00:00Z") });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const r = await call(policyRedeliver.POST, "/x", {
      method: "POST",
      params: polParams(p.id),
      auth: w.auth.liveKey,
      body: { from, to },
    });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ redelivered: 2 });
    const backwards = await call(policyRedeliver.POST, "/x", {
      method: "POST",
      params: polParams(p.id),
      auth: w.auth.liveKey,
      body: { from: to, to: from },
    });
    expect(backwards.json).toEqual(
      harborError("BAD_REQUEST", "to: Choose an end (to) that is not before the start (from)."),
    );
    const notDate = await call(policyRedeliver.POST, "/x", {
      method: "POST",
      params: polParams(p.id),
      auth: w.auth.liveKey,
      body: { from: "yesterday", to },
    });
    expect(notDate.json).toEqual(
      harborError("BAD_REQUEST", "from: Enter a date and time such as 2026-01-31T12:00:00Z (ISO 8601)."),
    );
  });

  it("deleting a policy takes its pending deliveries with it", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const d = await makeDelivery(p, { status: "Pending" });
    const r = await call(policy.DELETE, "/x", { method: "DELETE", params: polParams(p.id), auth: w.auth.projectAdmin });
    expect(r.status).toBe(200);
    expect(await (await getDb()).task.count({ where: { id: d.task.id } })).toBe(0);
  });
});

/**
 * Harbor's q and sort on a policy's executions and an execution's tasks, and the deprecated jobs
 * list: four executions at known times (two at the same second, to see the tie-break by id).
 */
describe("q and sort on executions, tasks and webhook jobs", () => {
  type Delivery = Awaited<ReturnType<typeof makeDelivery>>;
  let p: Awaited<ReturnType<typeof makePolicy>>;
  let e1: Delivery, e2: Delivery, e3: Delivery, e4: Delivery;
  beforeAll(async () => {
    p = await makePolicy(w.users.sys.actor, w.project);
    e1 = await makeDelivery(p, { status: "Success", startTime: new Date("2020-04-09T02:00:00Z") });
    e2 = await makeDelivery(p, {
      status: "Error",
      eventType: "PULL_ARTIFACT",
      startTime: new Date("2020-04-09T02:36:00Z"),
    });
    e3 = await makeDelivery(p, { status: "Pending", startTime: new Date("2020-04-10T00:00:00Z"), targetIndex: 1 });
    e4 = await makeDelivery(p, { status: "Success", startTime: new Date("2020-04-09T02:36:00Z") });
  });
  const path = () => `${base()}/policies/${p.id}/executions`;
  const list = (query: string) =>
    call(executions.GET, `${path()}?${query}`, { params: polParams(p.id), auth: w.auth.maintainer });
  const ids = async (query: string) => {
    const r = await list(query);
    expect(r.status, r.text).toBe(200);
    return (r.json as { id: number }[]).map((e) => e.id);
  };
  const q = (text: string) => `q=${encodeURIComponent(text)}`;
  const id = (d: Delivery) => d.execution.id;

  it("finds one execution with q=id=<n>, also as Harbor's UI sends it (encoded twice)", async () => {
    expect(await ids(q(`id=${id(e2)}`))).toEqual([id(e2)]);
    expect(await ids(`q=${encodeURIComponent(encodeURIComponent(`id=${id(e2)}`))}`)).toEqual([id(e2)]);
    // The executions grid filters with a fuzzy match on the id.
    expect(await ids(q(`id=~${id(e4)}`))).toEqual([id(e4)]);
    expect(await ids(q("id=~abc"))).toEqual([]);
    expect(await ids(q(`id={${id(e1)} ${id(e3)}}`))).toEqual([id(e3), id(e1)]);
    expect(await ids(q(`id=[${id(e2)}~${id(e3)}]`))).toEqual([id(e3), id(e2)]);
    expect(await ids(q(`id=[${id(e3)}~]`))).toEqual([id(e4), id(e3)]);
  });

  it("filters by status, vendor, trigger and event type: exact, fuzzy and lists", async () => {
    expect(await ids(q("status={Error Pending}"))).toEqual([id(e3), id(e2)]);
    expect(await ids(q("status=~SUCC"))).toEqual([id(e4), id(e1)]);
    expect(await ids(q("status=~nothing-like-it"))).toEqual([]);
    expect(await ids(q("status=error"))).toEqual([id(e2)]);
    expect(await ids(q("vendor_type=SLACK"))).toEqual([id(e3)]);
    expect(await ids(q(`trigger=EVENT,vendor_id=${p.id}`))).toEqual([id(e4), id(e3), id(e2), id(e1)]);
    expect(await ids(q(`vendor_id=${p.id + 1000}`))).toEqual([]);
    expect(await ids(q("extra_attrs.event_type=PULL_ARTIFACT"))).toEqual([id(e2)]);
    expect(await ids(q("event_type={PULL_ARTIFACT DELETE_ARTIFACT},status=Error"))).toEqual([id(e2)]);
    expect(await ids(q("status_message=~REFUSED"))).toEqual([id(e2)]);
    // LIKE's wildcards in the text are matched literally.
    expect(await ids(q("status_message=~%"))).toEqual([]);
    expect(await ids(q("status_message=~_"))).toEqual([]);
  });

  it("takes time ranges in Harbor's format (UTC), ISO 8601 with a zone, quoted, and open-ended", async () => {
    expect(await ids(q("start_time=[2020-04-09 02:36:00~2020-04-09 02:36:00]"))).toEqual([id(e4), id(e2)]);
    expect(await ids(q("start_time=[2020-04-09T02:36:00Z~]"))).toEqual([id(e4), id(e3), id(e2)]);
    expect(await ids(q("start_time=[~2020-04-09T04:00:00+02:00]"))).toEqual([id(e1)]);
    expect(await ids(q(`start_time=['2020-04-09 02:36:00'~"2020-04-10 00:00:00"]`))).toEqual([id(e4), id(e3), id(e2)]);
    expect(await ids(q("start_time=[2020-04-10~]"))).toEqual([id(e3)]);
    // Unix seconds, as before.
    expect(await ids(q(`start_time=[~${Date.parse("2020-04-09T02:00:00Z") / 1000}]`))).toEqual([id(e1)]);
    // A running execution has no end yet: no end_time range holds it.
    expect(await ids(q("end_time=[2000-01-01 00:00:00~2100-01-01 00:00:00]"))).toEqual([id(e4), id(e2), id(e1)]);
  });

  it("sorts ascending and descending, by several fields, ties broken by id", async () => {
    expect(await ids("sort=start_time")).toEqual([id(e1), id(e2), id(e4), id(e3)]);
    expect(await ids("sort=-start_time")).toEqual([id(e3), id(e4), id(e2), id(e1)]);
    expect(await ids("sort=id")).toEqual([id(e1), id(e2), id(e3), id(e4)]);
    expect(await ids("sort=status,-start_time")).toEqual([id(e2), id(e3), id(e4), id(e1)]);
    expect(await ids("sort=vendor_type,-id")).toEqual([id(e3), id(e4), id(e2), id(e1)]);
    // No end yet sorts as Harbor's zero time: first ascending, last descending, on both databases.
    expect(await ids("sort=end_time")).toEqual([id(e3), id(e1), id(e2), id(e4)]);
    expect(await ids("sort=-end_time")).toEqual([id(e4), id(e2), id(e1), id(e3)]);
    const page = await list("sort=start_time&page=2&page_size=2");
    expect((page.json as { id: number }[]).map((e) => e.id)).toEqual([id(e4), id(e3)]);
    expect(page.headers.get("x-total-count")).toBe("4");
    expect(page.headers.get("link")).toBe(`<${path()}?sort=start_time&page=1&page_size=2>; rel="prev"`);
    expect(await ids(`${q("status=Success")}&sort=-start_time`)).toEqual([id(e4), id(e1)]);
  });

  it.each([
    [
      "color=red",
      "q: unsupported key color; supported: id, vendor_type, vendor_id, status, status_message, trigger, event_type, extra_attrs.event_type, start_time, end_time",
    ],
    ["start_time=2020-04-09", "q: start_time supports a range (k=[min~max]) only"],
    [
      "start_time=[yesterday~]",
      'q: start_time must be a time such as "2020-04-09 02:36:00" (UTC) or 2020-04-09T02:36:00Z, or unix seconds',
    ],
    [
      "start_time=[2020-02-30 00:00:00~]",
      'q: start_time must be a time such as "2020-04-09 02:36:00" (UTC) or 2020-04-09T02:36:00Z, or unix seconds',
    ],
    ["id=abc", "q: id must be a whole number from 0 to 2147483647"],
    ["id=[1~x]", "q: id must be a whole number from 0 to 2147483647"],
    ["id=99999999999", "q: id must be a whole number from 0 to 2147483647"],
    ["status=(Error Success)", "q: status supports exact match (k=v) or fuzzy match (k=~v) or a list (k={v1 v2}) only"],
    ["status={Error Broken}", "q: status must be one of Pending, Running, Success, Error, Stopped"],
    ["vendor_type=HTTP", "q: vendor_type must be one of WEBHOOK, SLACK"],
    ["id=[1~2~3]", 'q: range "[1~2~3]" must look like [min~max]'],
    ["id=[~]", 'q: range "[~]" needs a min, a max or both'],
    ["id={1 2", 'q: list "{1 2" must end with }'],
    ["status=", "q: status has no value"],
    ["status=~", "q: status=~ needs a value to match"],
    [
      "constructor=x",
      "q: unsupported key constructor; supported: id, vendor_type, vendor_id, status, status_message, trigger, event_type, extra_attrs.event_type, start_time, end_time",
    ],
    [`id={${Array.from({ length: 101 }, (_, i) => i + 1).join(" ")}}`, "q: id lists more than 100 values"],
    [Array.from({ length: 17 }, (_, i) => `k${i}=v`).join(","), "q: must have at most 16 terms"],
    [`status_message=~${"x".repeat(1001)}`, "q: status_message=~ takes at most 1000 characters"],
    ["status_message=~a\u0000b", "q: contains a NUL character or an unpaired UTF-16 surrogate"],
    [`${"k".repeat(100)}`, `q: "${"k".repeat(64)}…" is not key=value`],
  ])("q=%s is a 400 naming q", async (text, message) => {
    const r = await list(q(text));
    expect(r.status).toBe(400);
    expect(r.json).toEqual(harborError("BAD_REQUEST", message));
  });

  it.each([
    [
      "name",
      "sort: cannot sort by name; use id, vendor_type, status, trigger, start_time, end_time (prefix - for descending)",
    ],
    ["id,-id", "sort: id is given twice"],
    ["x".repeat(257), "sort: must be at most 256 characters"],
  ])("sort=%s is a 400 naming sort", async (sort, message) => {
    const r = await list(`sort=${encodeURIComponent(sort)}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(harborError("BAD_REQUEST", message));
  });

  describe("tasks", () => {
    let t1: number, t2: number, t3: number;
    beforeAll(async () => {
      // Three runs of one execution (tasks are made directly: the engine makes one per execution).
      const db = await getDb();
      const task = (status: string, runCount: number, createdAt: string, startTime: string | null) =>
        db.task.create({
          data: {
            executionId: e2.execution.id,
            policyId: p.id,
            targetId: e2.execution.targetId,
            webhookId: newMessageId(),
            status,
            statusMessage: status === "Success" ? "delivered: HTTP 204" : "",
            runCount,
            maxAttempts: 3,
            nextAttemptAt: new Date(Date.now() + 86_400_000),
            createdAt: new Date(createdAt),
            startTime: startTime ? new Date(startTime) : null,
            ...(status === "Pending"
              ? { queueItem: { create: { targetId: e2.execution.targetId, dueAt: Date.now() + 86_400_000 } } }
              : {}),
          },
        });
      t1 = e2.task.id; // Error, run once, created 02:36, started 02:36
      t2 = (await task("Success", 3, "2020-04-09T03:00:00Z", "2020-04-09T03:00:01Z")).id;
      t3 = (await task("Pending", 0, "2020-04-09T01:00:00Z", null)).id;
    });
    const taskPath = () => `${path()}/${e2.execution.id}/tasks`;
    const taskList = (query: string) =>
      call(tasks.GET, `${taskPath()}?${query}`, {
        params: { ...polParams(p.id), execution_id: String(e2.execution.id) },
        auth: w.auth.liveKey,
      });
    const taskIds = async (query: string) => {
      const r = await taskList(query);
      expect(r.status, r.text).toBe(200);
      return (r.json as { id: number }[]).map((t) => t.id);
    };

    it("filters with q on Harbor's task columns", async () => {
      expect(await taskIds("")).toEqual([t1, t2, t3]);
      expect(await taskIds(q(`id=${t2}`))).toEqual([t2]);
      // Harbor's task grid: a fuzzy id match, encoded twice, newest first.
      expect(await taskIds(`q=${encodeURIComponent(encodeURIComponent(`id=~${t3}`))}&sort=-creation_time`)).toEqual([
        t3,
      ]);
      expect(await taskIds(q("status=~succ"))).toEqual([t2]);
      expect(await taskIds(q("status={Error Pending}"))).toEqual([t1, t3]);
      expect(await taskIds(q("run_count=[1~]"))).toEqual([t1, t2]);
      expect(await taskIds(q("run_count=0"))).toEqual([t3]);
      expect(await taskIds(q("status_message=~http 2"))).toEqual([t2]);
      expect(await taskIds(q("creation_time=[2020-04-09 02:00:00~2020-04-09 03:00:00]"))).toEqual([t1, t2]);
      expect(await taskIds(q("start_time=[2020-04-09T03:00:00Z~]"))).toEqual([t2]);
      expect(await taskIds(q(`execution_id=${e2.execution.id}`))).toEqual([t1, t2, t3]);
      const none = await taskList(q(`execution_id=${e1.execution.id}`));
      expect(none.json).toEqual([]);
      expect(none.headers.get("x-total-count")).toBe("0");
    });

    it("sorts both ways; a task not started yet sorts first ascending", async () => {
      expect(await taskIds("sort=-creation_time")).toEqual([t2, t1, t3]);
      expect(await taskIds("sort=creation_time")).toEqual([t3, t1, t2]);
      expect(await taskIds("sort=start_time")).toEqual([t3, t1, t2]);
      expect(await taskIds("sort=-start_time")).toEqual([t2, t1, t3]);
      expect(await taskIds("sort=-run_count")).toEqual([t2, t1, t3]);
      expect(await taskIds("sort=-id")).toEqual([t3, t2, t1]);
      const page = await taskList("sort=-creation_time&page=2&page_size=1");
      expect((page.json as { id: number }[]).map((t) => t.id)).toEqual([t1]);
      expect(page.headers.get("x-total-count")).toBe("3");
      // Each task keeps its own attempts.
      expect((page.json as { extra_attrs: { attempts: unknown[] } }[])[0].extra_attrs.attempts).toHaveLength(1);
    });

    it.each([
      [
        "q=name%3Dx",
        "q: unsupported key name; supported: id, execution_id, status, status_message, run_count, creation_time, start_time, update_time, end_time",
      ],
      [
        "q=run_count%3D~1",
        "q: run_count supports exact match (k=v) or a range (k=[min~max]) or a list (k={v1 v2}) only",
      ],
      [
        "sort=vendor_type",
        "sort: cannot sort by vendor_type; use id, status, run_count, creation_time, start_time, update_time, end_time (prefix - for descending)",
      ],
    ])("%s is a 400", async (query, message) => {
      const r = await taskList(query);
      expect(r.status).toBe(400);
      expect(r.json).toEqual(harborError("BAD_REQUEST", message));
    });
  });

  describe("the deprecated webhook/jobs list", () => {
    const jobsPath = () => `${base()}/jobs`;
    const jobList = (query: string, auth: string | undefined = w.auth.maintainer) =>
      call(jobs.GET, `${jobsPath()}?${query}`, { params: pp(), auth });
    const jobIds = async (query: string) => {
      const r = await jobList(query);
      expect(r.status, r.text).toBe(200);
      return (r.json as { id: number }[]).map((j) => j.id);
    };

    it("answers a policy's executions as Harbor's WebhookJob, newest first, with X-Total-Count and Link", async () => {
      const r = await jobList(`policy_id=${p.id}&page_size=2`);
      expect(r.status, r.text).toBe(200);
      expect(r.headers.get("x-total-count")).toBe("4");
      expect(r.headers.get("link")).toBe(`<${jobsPath()}?policy_id=${p.id}&page_size=2&page=2>; rel="next"`);
      const items = r.json as Record<string, unknown>[];
      expect(items.map((j) => j.id)).toEqual([id(e4), id(e3)]);
      expect(items[1]).toEqual({
        id: id(e3),
        policy_id: p.id,
        event_type: "PUSH_ARTIFACT",
        notify_type: "slack",
        status: "Pending",
        job_detail: buildDefaultPayload(e3.sample).body,
        creation_time: "2020-04-10T00:00:00.000Z",
        // Not finished: its last change is its task's
        update_time: e3.task.updatedAt.toISOString(),
      });
      const second = await jobIds(`policy_id=${p.id}&q=${encodeURIComponent(`id=${id(e2)}`)}`);
      expect(second).toEqual([id(e2)]);
      const [job] = (await jobList(`policy_id=${p.id}&q=${encodeURIComponent(`id=${id(e2)}`)}`)).json as unknown[];
      expect(job).toMatchObject({ notify_type: "http", event_type: "PULL_ARTIFACT", status: "Error" });
      expect(harborWebhookJobSchema.safeParse(job).success).toBe(true);
      // Its last change: its end, or a later update of one of its tasks (the tasks tests added two).
      const runs = await (await getDb()).task.findMany({ where: { executionId: id(e2) } });
      const last = Math.max(e2.execution.endTime!.getTime(), ...runs.map((t) => t.updatedAt.getTime()));
      expect((job as { update_time: string }).update_time).toBe(new Date(last).toISOString());
    });

    it("filters by status (repeated or comma-separated), q and sort", async () => {
      expect(await jobIds(`policy_id=${p.id}&status=Error&status=Pending`)).toEqual([id(e3), id(e2)]);
      expect(await jobIds(`policy_id=${p.id}&status=${encodeURIComponent("error,pending")}`)).toEqual([id(e3), id(e2)]);
      expect(await jobIds(`policy_id=${p.id}&status=Success&sort=start_time`)).toEqual([id(e1), id(e4)]);
      expect(await jobIds(`policy_id=${p.id}&status=Success&${q("status=Error")}`)).toEqual([]);
    });

    it.each([
      ["", 400, "BAD_REQUEST", "policy_id: is required"],
      ["policy_id=", 400, "BAD_REQUEST", "policy_id: is required"],
      ["policy_id=abc", 400, "BAD_REQUEST", "policy_id: must be a positive whole number"],
      ["policy_id=0", 400, "BAD_REQUEST", "policy_id: must be a positive whole number"],
      ["policy_id=99999999999", 400, "BAD_REQUEST", "policy_id: must be a positive whole number"],
      ["policy_id=2147483647", 404, "NOT_FOUND", "webhook policy not found"],
      [
        "policy_id=POLICY&status=Done",
        400,
        "BAD_REQUEST",
        "status: must be one of Pending, Running, Success, Error, Stopped",
      ],
      [
        "policy_id=POLICY&sort=name",
        400,
        "BAD_REQUEST",
        "sort: cannot sort by name; use id, vendor_type, status, trigger, start_time, end_time (prefix - for descending)",
      ],
    ])("%j is a %i", async (query, status, code, message) => {
      const r = await jobList(query.replace("POLICY", String(p.id)));
      expect(r.status).toBe(status);
      expect(r.json).toEqual(harborError(code, message));
    });

    it("answers 404 for a policy of another project, and needs webhook.read", async () => {
      const other = await makePolicy(w.users.sys.actor, w.other);
      const r = await jobList(`policy_id=${other.id}`);
      expect(r.status).toBe(404);
      expect(r.json).toEqual(harborError("NOT_FOUND", "webhook policy not found"));
      const as = (auth: string | undefined) =>
        call(jobs.GET, `${jobsPath()}?policy_id=${p.id}`, { params: pp(), auth });
      expectError(await as(undefined), 401, "UNAUTHORIZED", "authentication required");
      expectError(
        await as(w.auth.developer),
        403,
        "FORBIDDEN",
        "Only project admins and maintainers can see webhooks.",
      );
      // Harbor: a signed-in user without access to an existing project gets 403, not 404.
      expectError(
        await as(w.auth.otherProjectAdmin),
        403,
        "FORBIDDEN",
        "Only project admins and maintainers can see webhooks.",
      );
      expect((await as(w.auth.liveKey)).status).toBe(200);
    });
  });
});

describe("events, lasttrigger and signing keys", () => {
  it("lists the supported event types, notify types and payload formats", async () => {
    const r = await call(events.GET, `${base()}/events`, { params: pp(), auth: w.auth.maintainer });
    expect(r.json).toEqual({
      event_type: [
        "PUSH_ARTIFACT",
        "PULL_ARTIFACT",
        "DELETE_ARTIFACT",
        "QUOTA_EXCEED",
        "QUOTA_WARNING",
        "SCANNING_FAILED",
        "SCANNING_STOPPED",
        "SCANNING_COMPLETED",
        "REPLICATION",
        "TAG_RETENTION",
        "TAG_CREATED",
        "TAG_DELETED",
        "PROJECT_CREATED",
        "PROJECT_DELETED",
      ],
      notify_type: ["http", "slack", "teams", "googlechat", "mattermost", "discord", "email"],
      payload_formats: [
        { notify_type: "http", formats: ["Default", "CloudEvents", "Custom"] },
        { notify_type: "slack", formats: ["Default"] },
        { notify_type: "teams", formats: ["Default", "Custom"] },
        { notify_type: "googlechat", formats: ["Default", "Custom"] },
        { notify_type: "mattermost", formats: ["Default", "Custom"] },
        { notify_type: "discord", formats: ["Default", "Custom"] },
        { notify_type: "email", formats: ["Default"] },
      ],
    });
  });

  it("answers lasttrigger per policy and event type, with Harbor's zero time when never triggered", async () => {
    const project = await makeProject();
    const p = await makePolicy(w.users.sys.actor, project, { event_types: ["PUSH_ARTIFACT", "PULL_ARTIFACT"] });
    const old = new Date("2026-01-01T10:00:00.000Z");
    const recent = new Date("2026-02-01T10:00:00.000Z");
    await makeDelivery(p, { eventType: "PUSH_ARTIFACT", startTime: old });
    await makeDelivery(p, { eventType: "PUSH_ARTIFACT", startTime: recent });
    const r = await call(lastTrigger.GET, "/x", { params: pp(project), auth: w.auth.sysadmin });
    expect(r.json).toEqual([
      {
        policy_name: p.name,
        enabled: true,
        creation_time: p.createdAt.toISOString(),
        last_trigger_time: recent.toISOString(),
        event_type: "PUSH_ARTIFACT",
      },
      {
        policy_name: p.name,
        enabled: true,
        creation_time: p.createdAt.toISOString(),
        last_trigger_time: HARBOR_ZERO_TIME,
        event_type: "PULL_ARTIFACT",
      },
    ]);
  });

  it("rotates the signing secret: a new one, shown once, the old ones expiring later", async () => {
    const created = await call(policies.POST, `${base()}/policies`, {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: {
        name: uniquePolicyName(),
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: DEAD_URL }],
      },
    });
    const { id, signing_secret } = created.json as { id: number; signing_secret: string };
    const r = await call(rotate.POST, "/x", { method: "POST", params: polParams(id), auth: w.auth.projectAdmin });
    expect(r.status).toBe(200);
    const body = r.json as { signing_secret: string; previous_keys_expire_at: string };
    expect(Object.keys(body).sort()).toEqual(["previous_keys_expire_at", "signing_secret"]);
    expect(body.signing_secret).toMatch(/^whsec_/);
    expect(body.signing_secret).not.toBe(signing_secret);
    expect(Date.parse(body.previous_keys_expire_at)).toBeGreaterThan(Date.now());
    const read = await call(policy.GET, "/x", { params: polParams(id), auth: w.auth.projectAdmin });
    expect(read.text).not.toContain(body.signing_secret);
    expect(read.text).not.toContain(signing_secret);
  });
});

describe("request ids", () => {
  it("echoes X-Request-Id on success and on errors", async () => {
    const ok = await call(events.GET, "/x", {
      params: pp(),
      auth: w.auth.projectAdmin,
      headers: { "x-request-id": "trace-123" },
    });
    expect(ok.headers.get("x-request-id")).toBe("trace-123");
    const denied = await call(events.GET, "/x", {
      params: pp(),
      auth: w.auth.guest,
      headers: { "x-request-id": "trace-456" },
    });
    expectError(denied, 403, "FORBIDDEN");
    expect(denied.headers.get("x-request-id")).toBe("trace-456");
  });
});
