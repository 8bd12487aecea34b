// Conditions on content through the APIs: Harbor's policy with the `conditions` extension (set,
// read back, kept by a PUT that leaves it out, cleared by null) and the Destinations API; bad
// conditions are a 400 naming the field.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as policy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as destinations from "@/app/v1/destinations/route";
import * as destination from "@/app/v1/destinations/[id]/route";
import { makeApiKey, makeProject } from "../helpers/fixtures";
import { call, expectHarborError, expectV1Error } from "../helpers/http";
import { makeWorld, uniquePolicyName, type World } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});

const base = () => `/api/v2.0/projects/${w.project.name}/webhook/policies`;
const pp = () => ({ project_name_or_id: w.project.name });

const CONDITIONS = {
  scan: { min_severity: "High", fixable_over: 5 },
  replication: { result: "failed" },
  operators: { mode: "exclude", patterns: ["robot$*", "harbor-jobservice"] },
  artifacts: { mode: "exclude", patterns: ["application/vnd.dev.cosign.*"] },
};

const body = (extra: Record<string, unknown> = {}) => ({
  name: uniquePolicyName("cond"),
  event_types: ["SCANNING_COMPLETED", "REPLICATION", "PUSH_ARTIFACT"],
  targets: [{ type: "http", address: "https://ci.example.com/hook", payload_format: "Default" }],
  ...extra,
});

describe("Harbor API: conditions on a webhook policy", () => {
  it("are set, read back, kept by a PUT that leaves them out, and cleared by null", async () => {
    const created = await call(policies.POST, base(), {
      params: pp(),
      auth: w.auth.projectAdmin,
      body: body({ conditions: CONDITIONS }),
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { id: number }).id;
    const params = { ...pp(), webhook_policy_id: String(id) };
    const read = async () =>
      ((await call(policy.GET, `${base()}/${id}`, { params, auth: w.auth.maintainer })).json as { conditions: unknown })
        .conditions;
    expect(await read()).toEqual(CONDITIONS);

    // A Harbor client that knows nothing of conditions keeps them.
    const withoutConditions = body();
    const put = await call(policy.PUT, `${base()}/${id}`, {
      method: "PUT",
      params,
      auth: w.auth.projectAdmin,
      body: { ...withoutConditions, name: `renamed-${id}` },
    });
    expect(put.status, put.text).toBe(200);
    expect(await read()).toEqual(CONDITIONS);

    const cleared = await call(policy.PUT, `${base()}/${id}`, {
      method: "PUT",
      params,
      auth: w.auth.projectAdmin,
      body: { ...withoutConditions, name: `renamed-${id}`, conditions: null },
    });
    expect(cleared.status).toBe(200);
    expect(await read()).toEqual({});
  });

  it.each([
    [{ scan: { min_severity: "Severe" } }, "conditions.scan.min_severity"],
    [{ scan: {} }, "conditions.scan"],
    [{ replication: { result: "sometimes" } }, "conditions.replication.result"],
    [{ operators: { mode: "exclude", patterns: ["robot[$"] } }, "conditions.operators.patterns.0"],
    [{ artifacts: { mode: "everything", patterns: ["x"] } }, "conditions.artifacts.mode"],
    [{ severity: "High" }, "conditions.severity"],
  ])("bad conditions %j: 400 naming %s", async (conditions, field) => {
    const r = await call(policies.POST, base(), {
      params: pp(),
      auth: w.auth.projectAdmin,
      body: body({ conditions }),
    });
    expectHarborError(r, 400, "BAD_REQUEST", new RegExp(`^${field.replaceAll(".", "\\.")}: `));
  });
});

describe("Destinations API: conditions on a destination", () => {
  it("are set at creation, read back, changed by PATCH, kept when left out, cleared by null", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    const created = await call(destinations.POST, {
      path: "/v1/destinations",
      key,
      body: { url: "http://127.0.0.1:9/hook", conditions: { replication: { result: "failed" } } },
    });
    expect(created.status, created.text).toBe(201);
    const dest = created.json as { id: string; conditions: unknown };
    expect(dest.conditions).toEqual({ replication: { result: "failed" } });
    const params = { id: dest.id };
    const patch = (b: unknown) =>
      call(destination.PATCH, { path: `/v1/destinations/${dest.id}`, key, params, method: "PATCH", body: b });

    expect(((await patch({ name: "renamed" })).json as { conditions: unknown }).conditions).toEqual({
      replication: { result: "failed" },
    });
    const changed = await patch({ conditions: { operators: { mode: "include", patterns: ["ci-*"] } } });
    expect((changed.json as { conditions: unknown }).conditions).toEqual({
      operators: { mode: "include", patterns: ["ci-*"] },
    });
    expect(((await patch({ conditions: null })).json as { conditions: unknown }).conditions).toEqual({});

    expectV1Error(
      await patch({ conditions: { scan: { fixable_over: 1.5 } } }),
      400,
      "validation_error",
      "conditions.scan.fixable_over",
    );
  });
});
