// The page loaders read ids from the URL with the one row-id schema: an id no row can have (zero, not
// a number, beyond PostgreSQL's 32-bit integer) is the 404 page, never a database error. The session
// is replaced by a settable actor. The delivery figures are the page's own scope's, with secret
// addresses masked for readers who may not see them.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { requireProject } from "@/lib/auth/access";
import { createPolicy } from "@/lib/policies/service";
import { getDb } from "@/lib/db/client";
import { policyInputSchema, SECRET_MASK } from "@/lib/shared/policy-input";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", () => ({
  requireUserPage: async () => {
    if (!session.actor) throw new Error("no session in this test");
    return session.actor;
  },
}));

const {
  API_KEY_PAGE_SIZE,
  loadApiKeysPage,
  loadEventsPage,
  loadExecutionDetail,
  loadPolicyDetail,
  loadPolicyForm,
  loadTaskLog,
  loadWebhooksPage,
} = await import("@/lib/webhooks-ui/loaders");

/** next/navigation's notFound() throws an error whose digest names the 404 fallback. */
const NOT_FOUND = { digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) };
const BAD_IDS = ["3000000000", "2147483648", "99999999999999999999", "0", "-1", "1e3", "abc", ""];

async function setup() {
  const admin = await makeUser();
  const project = await makeProject({ [admin.user.id]: "projectAdmin" });
  session.actor = admin.actor;
  const input = policyInputSchema.parse({
    name: "hook",
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: "http://127.0.0.1:9/hook" }],
  });
  const policy = await createPolicy(await requireProject(admin.actor, project.id, "webhook.manage"), input);
  return { project: project.name, policyId: String(policy.policy.id) };
}

beforeEach(() => {
  session.actor = null;
});

describe("page loaders: ids from the URL", () => {
  it("a policy id no row can have is the 404 page, on every page that takes one", async () => {
    const { project } = await setup();
    for (const id of BAD_IDS) {
      await expect(loadPolicyDetail(project, id, {}), id).rejects.toMatchObject(NOT_FOUND);
      await expect(loadPolicyForm(project, id), id).rejects.toMatchObject(NOT_FOUND);
      await expect(loadExecutionDetail(project, id, "1"), id).rejects.toMatchObject(NOT_FOUND);
      await expect(loadTaskLog(project, id, "1", "1"), id).rejects.toMatchObject(NOT_FOUND);
    }
  });

  it("so is an out-of-range execution or task id of an existing policy", async () => {
    const { project, policyId } = await setup();
    for (const id of BAD_IDS) {
      await expect(loadExecutionDetail(project, policyId, id), id).rejects.toMatchObject(NOT_FOUND);
      await expect(loadTaskLog(project, policyId, id, "1"), id).rejects.toMatchObject(NOT_FOUND);
    }
  });

  it("the largest id is looked up (and not found), a real one loads", async () => {
    const { project, policyId } = await setup();
    await expect(loadPolicyDetail(project, "2147483647", {})).rejects.toMatchObject(NOT_FOUND);
    const detail = await loadPolicyDetail(project, policyId, {});
    expect(detail.policy).toMatchObject({ id: Number(policyId), name: "hook" });
    const form = await loadPolicyForm(project, policyId);
    expect(form.policy?.name).toBe("hook");
  });
});

describe("the API keys page", () => {
  it("loads a page of keys, newest first, with the total for the pager; a bad page number is page 1", async () => {
    const admin = await makeUser();
    const project = await makeProject({ [admin.user.id]: "projectAdmin" });
    session.actor = admin.actor;
    const made = [];
    for (let i = 0; i < API_KEY_PAGE_SIZE + 3; i++) made.push((await makeApiKey(project.id)).row.id);
    const newestFirst = [...made].reverse();

    const first = await loadApiKeysPage(project.name, {});
    expect(first).toMatchObject({ page: 1, pageSize: API_KEY_PAGE_SIZE, total: API_KEY_PAGE_SIZE + 3 });
    expect(first.keys.map((k) => k.id)).toEqual(newestFirst.slice(0, API_KEY_PAGE_SIZE));
    expect(first.keys[0]).not.toHaveProperty("hash");

    const second = await loadApiKeysPage(project.name, { page: "2" });
    expect(second.keys.map((k) => k.id)).toEqual(newestFirst.slice(API_KEY_PAGE_SIZE));
    expect((await loadApiKeysPage(project.name, { page: "-4" })).page).toBe(1);
  });
});

describe("page loaders: filters from the URL", () => {
  it("drop a value holding a NUL or an unpaired surrogate instead of sending it to the database (PostgreSQL failed)", async () => {
    const { project, policyId } = await setup();
    const hostile = {
      q: "a\u0000b",
      repository: "r\u0000",
      tag: "\u0000",
      operator: "o\ud800",
      digest: "d\u0000",
      page: "1\u0000",
    };
    const webhooks = await loadWebhooksPage(project, hostile);
    expect(webhooks.total).toBe(1);
    await expect(loadEventsPage(project, hostile)).resolves.toBeDefined();
    await expect(loadPolicyDetail(project, policyId, hostile)).resolves.toBeDefined();
  });
});

describe("delivery figures on the webhook pages", () => {
  it("the project's webhooks page holds its webhooks' deliveries; a maintainer sees failing secret URLs masked", async () => {
    const admin = await makeUser();
    const maintainer = await makeUser();
    const project = await makeProject({ [admin.user.id]: "projectAdmin", [maintainer.user.id]: "maintainer" });
    const secretUrl = "https://hooks.slack.com/services/T000/B000/the-secret-part";
    const { policy } = await createPolicy(
      await requireProject(admin.actor, project.id, "webhook.manage"),
      policyInputSchema.parse({
        name: "chat",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "slack", address: secretUrl }],
      }),
    );
    // Rollups as the recorder writes them: this minute, two failed deliveries of the Slack target.
    const db = await getDb();
    const now = Date.now();
    await db.deliveryRollup.create({
      data: {
        targetId: policy.targets[0]!.id,
        policyId: policy.id,
        grain: "m",
        bucket: BigInt(now - (now % 60_000)),
        outcome: "error",
        deliveries: 2,
        attempts: 2,
        le100: 2,
      },
    });

    session.actor = admin.actor;
    const asAdmin = await loadWebhooksPage(project.name, { range: "1h" });
    expect(asAdmin.stats.range).toBe("1h");
    expect(asAdmin.stats.totals).toEqual({ success: 0, error: 2, retrying: 0 });
    expect(asAdmin.stats.worstTargets.map((t) => t.address)).toEqual([secretUrl]);

    session.actor = maintainer.actor;
    const masked = `https://hooks.slack.com/services/T000/B000/${SECRET_MASK}`;
    const asMaintainer = await loadWebhooksPage(project.name, { range: "1h" });
    expect(asMaintainer.stats.totals).toEqual(asAdmin.stats.totals);
    expect(asMaintainer.stats.worstTargets.map((t) => t.address)).toEqual([masked]);
    const detail = await loadPolicyDetail(project.name, String(policy.id), { range: "1h" });
    expect(detail.stats.worstTargets.map((t) => t.address)).toEqual([masked]);
    // Another project's page holds none of them.
    const other = await makeProject({ [admin.user.id]: "projectAdmin" });
    session.actor = admin.actor;
    expect((await loadWebhooksPage(other.name, { range: "1h" })).stats.totals).toEqual({
      success: 0,
      error: 0,
      retrying: 0,
    });
  });
});
