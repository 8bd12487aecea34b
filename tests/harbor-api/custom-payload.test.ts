// The Harbor API's Custom payload format and custom headers: templates checked at save time with
// their position, headers validated with stable codes, write-only values masked on read, and a PUT
// from a client that sends only Harbor's fields keeping what it did not send.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as policy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as events from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/events/route";
import { getDb } from "@/lib/db/client";
import { decryptCustomHeaders } from "@/lib/delivery/custom-headers";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import { TEMPLATE_PRESETS } from "@/lib/shared/template-presets";
import { call, expectHarborError } from "../helpers/http";
import { makeWorld, uniquePolicyName, type World } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});

const base = () => `/api/v2.0/projects/${w.project.name}/webhook`;
const pp = () => ({ project_name_or_id: w.project.name });
const TEXT = TEMPLATE_PRESETS.find((p) => p.id === "text")!;

type Target = Record<string, unknown>;
const create = (target: Target, auth = w.auth.projectAdmin) =>
  call(policies.POST, `${base()}/policies`, {
    method: "POST",
    params: pp(),
    auth,
    body: { name: uniquePolicyName("custom"), event_types: ["PUSH_ARTIFACT"], targets: [target] },
  });
const read = (id: number, auth = w.auth.projectAdmin) =>
  call(policy.GET, `${base()}/policies/${id}`, { params: { ...pp(), webhook_policy_id: String(id) }, auth });

describe("Custom payload templates in the Harbor API", () => {
  it("saves a Custom http target and reads back its template and content type", async () => {
    const r = await create({
      type: "http",
      address: "https://ci.example.com/hook",
      payload_format: "Custom",
      payload_template: TEXT.template,
      content_type: TEXT.contentType,
    });
    expect(r.status, r.text).toBe(201);
    const got = await read((r.json as { id: number }).id);
    expect((got.json as { targets: Target[] }).targets[0]).toMatchObject({
      payload_format: "Custom",
      payload_template: TEXT.template,
      content_type: TEXT.contentType,
    });
  });

  it("refuses a template that does not parse, with INVALID_TEMPLATE, the field, line and column", async () => {
    const r = await create({
      type: "http",
      address: "https://ci.example.com/hook",
      payload_format: "Custom",
      payload_template: '{\n  "op": {{ operator | no_such_filter }}\n}',
    });
    expectHarborError(
      r,
      400,
      "INVALID_TEMPLATE",
      "targets.0.payload_template: line 2, column 9: undefined filter: no_such_filter",
    );
  });

  it("refuses a JSON template that renders invalid JSON for a sample event, naming it", async () => {
    const r = await create({
      type: "teams",
      address: "https://example.logic.azure.com/workflows/x?sig=y",
      payload_format: "Custom",
      payload_template: '{% if type == "TAG_RETENTION" %}{"a": {% else %}{"a": 1}{% endif %}',
    });
    expectHarborError(r, 400, "INVALID_TEMPLATE", /not JSON.*TAG_RETENTION sample event/);
  });

  it("refuses include and a Custom target without a template", async () => {
    const inc = await create({
      type: "http",
      address: "https://ci.example.com/hook",
      payload_format: "Custom",
      payload_template: "{% include 'secrets' %}",
    });
    expectHarborError(inc, 400, "INVALID_TEMPLATE", /line 1, column 1: the include tag is not available/);
    const none = await create({ type: "http", address: "https://ci.example.com/hook", payload_format: "Custom" });
    expectHarborError(none, 400, "INVALID_TEMPLATE", /targets\.0\.payload_template: enter a payload template/);
  });

  it("a PUT with only Harbor's fields keeps the stored template, content type and headers", async () => {
    const r = await create({
      type: "http",
      address: "https://ci.example.com/hook",
      payload_format: "Custom",
      payload_template: TEXT.template,
      content_type: "text/plain",
      custom_headers: { "X-Api-Key": "k-123" },
    });
    const id = (r.json as { id: number }).id;
    const put = await call(policy.PUT, `${base()}/policies/${id}`, {
      method: "PUT",
      params: { ...pp(), webhook_policy_id: String(id) },
      auth: w.auth.projectAdmin,
      body: {
        name: uniquePolicyName("custom-put"),
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: "https://ci.example.com/other-path", payload_format: "Custom" }],
      },
    });
    expect(put.status, put.text).toBe(200);
    const row = await (await getDb()).webhookTarget.findFirstOrThrow({ where: { policyId: id } });
    expect(row).toMatchObject({ payloadFormat: "Custom", payloadTemplate: TEXT.template, contentType: "text/plain" });
    expect(decryptCustomHeaders(row.customHeadersEnc)).toEqual({ "X-Api-Key": "k-123" });
  });

  it("lists Custom among the payload formats of http and the chat tools", async () => {
    const r = await call(events.GET, `${base()}/events`, { params: pp(), auth: w.auth.projectAdmin });
    const formats = Object.fromEntries(
      (r.json as { payload_formats: { notify_type: string; formats: string[] }[] }).payload_formats.map((f) => [
        f.notify_type,
        f.formats,
      ]),
    );
    expect(formats.http).toEqual(["Default", "CloudEvents", "Custom"]);
    expect(formats.teams).toEqual(["Default", "Custom"]);
    expect(formats.slack).toEqual(["Default"]);
  });
});

describe("custom headers in the Harbor API", () => {
  it("stores values encrypted and shows them masked; maintainers see none", async () => {
    const r = await create({
      type: "http",
      address: "https://ci.example.com/hook",
      custom_headers: { "X-Api-Key": "k-secret", "X-Team": "registry" },
    });
    expect(r.status, r.text).toBe(201);
    const id = (r.json as { id: number }).id;
    const row = await (await getDb()).webhookTarget.findFirstOrThrow({ where: { policyId: id } });
    expect(row.customHeadersEnc).not.toContain("k-secret");
    const admin = await read(id);
    expect(admin.text).not.toContain("k-secret");
    expect((admin.json as { targets: Target[] }).targets[0].custom_headers).toEqual({
      "X-Api-Key": SECRET_MASK,
      "X-Team": SECRET_MASK,
    });
    const maintainer = await read(id, w.auth.maintainer);
    expect((maintainer.json as { targets: Target[] }).targets[0].custom_headers).toBeUndefined();
  });

  it.each([
    ["Content-Type", "INVALID_HEADER_NAME", /Content-Type is set by the delivery itself/],
    ["webhook-signature", "INVALID_HEADER_NAME", /set by the delivery itself/],
    ["Authorization", "INVALID_HEADER_NAME", /use the auth header/],
    ["Transfer-Encoding", "INVALID_HEADER_NAME", /set by the delivery itself/],
    ["Bad Name", "INVALID_HEADER_NAME", /is not a header name/],
  ])("refuses the name %s with %s", async (name, code, message) => {
    const r = await create({ type: "http", address: "https://ci.example.com/hook", custom_headers: { [name]: "v" } });
    expectHarborError(r, 400, code, message);
    expect((r.json as { errors: { message: string }[] }).errors[0].message).toMatch(/^targets\.0\.custom_headers: /);
  });

  it("refuses a value with a line break, more than 20 headers, and headers on a chat target", async () => {
    const crlf = await create({
      type: "http",
      address: "https://ci.example.com/hook",
      custom_headers: { "X-A": "v\r\nX-Injected: 1" },
    });
    expectHarborError(crlf, 400, "INVALID_HEADER_VALUE", /X-A: Put the header value on one line/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, "v"]));
    const tooMany = await create({ type: "http", address: "https://ci.example.com/hook", custom_headers: many });
    expectHarborError(tooMany, 400, "INVALID_HEADER_NAME", /at most 20 custom headers/);
    const chat = await create({
      type: "mattermost",
      address: "https://mm.example.com/hooks/x",
      custom_headers: { "X-A": "v" },
    });
    expectHarborError(chat, 400, "INVALID_HEADER_NAME", /take no custom headers/);
  });
});
