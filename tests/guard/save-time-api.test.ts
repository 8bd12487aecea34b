// Save-time network guard through the APIs: Harbor's API saves a refused address and says why in
// X-Harbor-Notifier-Warning (in words for the caller's role); the Destinations API refuses it with
// the spec's url_not_reachable. Credentials in URLs are refused; Slack URLs are secrets.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as policy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as destinations from "@/app/v1/destinations/route";
import { getDb } from "@/lib/db/client";
import { SECRET_MASK, URL_CREDENTIALS_MESSAGE } from "@/lib/shared/policy-input";
import { makeApiKey } from "../helpers/fixtures";
import { call, expectHarborError } from "../helpers/http";
import { makeWorld, type World } from "../harbor-api/helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});

const body = (address: string, type = "http") => ({
  name: `p-${Math.random().toString(36).slice(2, 10)}`,
  event_types: ["PUSH_ARTIFACT"],
  targets: [{ type, address, ...(type === "http" ? { payload_format: "Default" } : {}) }],
});

const create = (auth: string | undefined, payload: unknown) =>
  call(policies.POST, {
    path: `/api/v2.0/projects/${w.project.name}/webhook/policies`,
    params: { project_name_or_id: w.project.name },
    auth,
    body: payload,
  });

const params = (id: number) => ({ project_name_or_id: w.project.name, webhook_policy_id: String(id) });
const itemPath = (id: number) => `/api/v2.0/projects/${w.project.name}/webhook/policies/${id}`;

describe("Harbor API: a refused address is saved, with a warning header", () => {
  it("a system admin is told where to allow the range", async () => {
    const res = await create(w.auth.sysadmin, body("http://10.1.2.3/hook"));
    expect(res.status).toBe(201);
    expect(res.headers.get("x-harbor-notifier-warning")).toBe(
      "targets.0.address: 10.1.2.3 is a private address (10.0.0.0/8), so deliveries to it are refused; to deliver there, allow the range in System settings > Allowed networks.",
    );
    const id = (res.json as { id: number }).id;
    const db = await getDb();
    expect((await db.webhookTarget.findFirstOrThrow({ where: { policyId: id } })).address).toBe("http://10.1.2.3/hook");
  });

  it("a project admin is told to ask a system admin; PUT warns too", async () => {
    const res = await create(w.auth.projectAdmin, body("http://192.168.7.7/hook"));
    expect(res.status).toBe(201);
    expect(res.headers.get("x-harbor-notifier-warning")).toBe(
      "targets.0.address: 192.168.7.7 is a private address (192.168.0.0/16), so deliveries to it are refused; to deliver there, ask a system admin to allow the range.",
    );
    const id = (res.json as { id: number }).id;
    const put = await call(policy.PUT, {
      path: itemPath(id),
      params: params(id),
      method: "PUT",
      auth: w.auth.projectAdmin,
      body: { ...body("http://[fd12::1]/hook"), name: "renamed-" + id },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("x-harbor-notifier-warning")).toMatch(
      /^targets\.0\.address: fd12::1 is a unique-local \(private IPv6\) address \(fc00::\/7\), .*ask a system admin to allow the range\.$/,
    );
  });

  it("a cloud metadata address is never said to be allow-listable", async () => {
    for (const caller of ["sysadmin", "projectAdmin"] as const) {
      const res = await create(w.auth[caller], body("http://169.254.169.254/latest/meta-data/"));
      expect(res.status).toBe(201);
      expect(res.headers.get("x-harbor-notifier-warning")).toBe(
        "targets.0.address: 169.254.169.254 is a cloud metadata address: deliveries never go there, whatever the allowed networks say.",
      );
    }
  });

  it("an address the guard allows gets no warning", async () => {
    const res = await create(w.auth.projectAdmin, body("https://93.184.215.14/hook"));
    expect(res.status).toBe(201);
    expect(res.headers.get("x-harbor-notifier-warning")).toBeNull();
  });

  it("credentials in the URL are refused, pointing to the auth header", async () => {
    const res = await create(w.auth.projectAdmin, body("https://user:pass@ci.example.com/hook"));
    expectHarborError(res, 400, "BAD_REQUEST", `targets.0.address: ${URL_CREDENTIALS_MESSAGE}`);
    expect(res.text).not.toContain("pass@");
    const onlyUser = await create(w.auth.projectAdmin, body("https://token@ci.example.com/hook"));
    expectHarborError(onlyUser, 400, "BAD_REQUEST", `targets.0.address: ${URL_CREDENTIALS_MESSAGE}`);
  });
});

describe("Slack URLs are secrets", () => {
  const SLACK = "https://hooks.slack.com/services/T0001/B0002/abcdefSECRETxyz";
  const MASKED = `https://hooks.slack.com/services/T0001/B0002/${SECRET_MASK}`;

  it("a maintainer reads it masked, a project admin in full; a PUT with the mask keeps the stored URL", async () => {
    const res = await create(w.auth.projectAdmin, body(SLACK, "slack"));
    expect(res.status).toBe(201);
    const id = (res.json as { id: number }).id;
    const read = async (caller: "maintainer" | "projectAdmin") =>
      (await call(policy.GET, { path: itemPath(id), params: params(id), auth: w.auth[caller] })).json as {
        targets: { address: string }[];
        name: string;
      };
    const seen = await read("maintainer");
    expect(seen.targets[0].address).toBe(MASKED);
    expect(JSON.stringify(seen)).not.toContain("SECRET");
    expect((await read("projectAdmin")).targets[0].address).toBe(SLACK);
    // The list too.
    const list = await call(policies.GET, {
      path: `/api/v2.0/projects/${w.project.name}/webhook/policies?page_size=100`,
      params: { project_name_or_id: w.project.name },
      auth: w.auth.maintainer,
    });
    expect(list.text).not.toContain("SECRET");

    // A client that read the masked policy sends it back: the stored URL stays.
    const put = await call(policy.PUT, {
      path: itemPath(id),
      params: params(id),
      method: "PUT",
      auth: w.auth.projectAdmin,
      body: { ...seen, description: "edited" },
    });
    expect(put.status).toBe(200);
    const db = await getDb();
    expect((await db.webhookTarget.findFirstOrThrow({ where: { policyId: id } })).address).toBe(SLACK);

    // A masked URL that stands for nothing stored is refused, naming the field.
    const fresh = await create(
      w.auth.projectAdmin,
      body("https://hooks.slack.com/services/T9/B9/" + SECRET_MASK, "slack"),
    );
    expectHarborError(fresh, 400, "BAD_REQUEST", "targets.0.address: is masked; send the full URL");
  });
});

describe("Destinations API: the spec's url_not_reachable, with the same role-aware words", () => {
  const post = (key: string, url: string) => call(destinations.POST, { path: "/v1/destinations", key, body: { url } });

  it("a private address is refused with a pointer to a system admin; metadata with none", async () => {
    const { key } = await makeApiKey(w.project.id, "test");
    const res = await post(key, "http://10.9.8.7/hook");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: "url_not_reachable",
        message:
          "url is not reachable from this server: 10.9.8.7 is a private address (10.0.0.0/8), so deliveries to it are refused; to deliver there, ask a system admin to allow the range.",
        field: "url",
      },
    });
    const meta = await post(key, "http://[fd00:ec2::254]/");
    expect(meta.json).toEqual({
      error: {
        code: "url_not_reachable",
        message:
          "url is not reachable from this server: fd00:ec2::254 is a cloud metadata address: deliveries never go there, whatever the allowed networks say.",
        field: "url",
      },
    });
  });

  it("credentials in the URL are invalid_url", async () => {
    const { key } = await makeApiKey(w.project.id, "live");
    const res = await post(key, "https://user:pass@api.example.com/hook");
    expect(res.json).toEqual({
      error: {
        code: "invalid_url",
        message:
          "url must not contain credentials (user:password@); check the webhook-signature header of each delivery instead",
        field: "url",
      },
    });
  });
});
