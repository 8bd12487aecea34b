// Delivery rollups through the worker: after a mixed run (successes, retries that succeed, errors
// after all retries) the rollups equal the counts recomputed from the attempts, at both grains;
// a retention purge removes the history and leaves the rollups; the stats read from them; targets
// carry their last success and last failure reason; a project's stats hold its own webhooks only.
import { isDeepStrictEqual } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { instanceWebhookAccess, requireKeyProject, requireProject, requireSystem } from "@/lib/auth/access";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { purgeHistory } from "@/lib/delivery/retention";
import { createDestination } from "@/lib/destinations/service";
import { destinationCreateSchema } from "@/lib/destinations/schemas";
import { deliveryStats, percentile } from "@/lib/delivery/rollup";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { until } from "../helpers/until";

const delivery = useDeliveryWorker("rollups");
let admin: ReturnType<typeof makeUser>;

beforeAll(async () => {
  admin = makeUser({ sysadmin: true });
  const db = await getDb();
  await db.systemSettings.update({ where: { id: 1 }, data: { maxAttempts: 3 } });
});

type Counts = Record<string, { deliveries: number; attempts: number }>;

/** Per target and outcome, from the attempts: the last attempt of a finished task is its outcome, the others retried. */
async function recomputed(policyId: number): Promise<Map<number, Counts>> {
  const db = await getDb();
  const tasks = await db.task.findMany({ where: { policyId }, include: { attempts: true } });
  const out = new Map<number, Counts>();
  for (const t of tasks) {
    const counts = out.get(t.targetId) ?? {};
    for (const a of t.attempts) {
      const last = a.number === t.runCount && t.status !== "Pending" && t.status !== "Running";
      const outcome = !last ? "retrying" : t.status === "Success" ? "success" : "error";
      const c = (counts[outcome] ??= { deliveries: 0, attempts: 0 });
      c.deliveries++;
      if (outcome !== "retrying") c.attempts += t.runCount;
    }
    out.set(t.targetId, counts);
  }
  return out;
}

async function rolledUp(policyId: number, grain: "m" | "h" | "d"): Promise<Map<number, Counts>> {
  const db = await getDb();
  const rows = await db.deliveryRollup.groupBy({
    by: ["targetId", "outcome"],
    where: { policyId, grain },
    _sum: { deliveries: true, attempts: true },
  });
  const out = new Map<number, Counts>();
  for (const r of rows) {
    const counts = out.get(r.targetId) ?? {};
    counts[r.outcome] = {
      deliveries: r._sum.deliveries ?? 0,
      attempts: r.outcome === "retrying" ? 0 : (r._sum.attempts ?? 0),
    };
    out.set(r.targetId, counts);
  }
  return out;
}

describe("delivery rollups", () => {
  it("equal the counts recomputed from the attempts after a mixed run, and outlive the retention purge", async () => {
    const seen = new Map<string, number>();
    const ok = await delivery.receiver((_q, res) => res.end("ok"));
    // Fails each delivery's first attempt, then answers well: one retry per delivery.
    const flaky = await delivery.receiver((q, res) => {
      const id = String(q.headers["webhook-id"]);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.statusCode = seen.get(id) === 1 ? 503 : 200;
      res.end();
    });
    const broken = await delivery.receiver((_q, res) => {
      res.statusCode = 500;
      res.end("receiver is down");
    });
    const project = await makeProject();
    const { actor } = await admin;
    const input = policyInputSchema.parse({
      name: "rollups",
      event_types: ["PUSH_ARTIFACT"],
      targets: [ok, flaky, broken].map((r) => ({ type: "http", address: `${r.url}/hook` })),
    });
    const { policy } = await createPolicy(await requireProject(actor, project.id, "webhook.manage"), input);
    for (let i = 0; i < 4; i++)
      await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });

    const db = await getDb();
    await until(
      async () =>
        (await db.task.count({ where: { policyId: policy.id, status: { in: ["Success", "Error"] } } })) === 12,
      30_000,
      "every task finished",
    );
    // The recorder writes the last batch in the same transaction as the task status; wait for it anyway.
    const expected = await until(
      async () => {
        const r = await recomputed(policy.id);
        const m = await rolledUp(policy.id, "m");
        return isDeepStrictEqual(m, r) ? r : undefined;
      },
      5_000,
      "rollups equal to the recomputed counts",
    );

    const [okT, flakyT, brokenT] = await db.webhookTarget.findMany({
      where: { policyId: policy.id },
      orderBy: { position: "asc" },
    });
    expect(expected.get(okT!.id)).toEqual({ success: { deliveries: 4, attempts: 4 } });
    expect(expected.get(flakyT!.id)).toEqual({
      success: { deliveries: 4, attempts: 8 },
      retrying: { deliveries: 4, attempts: 0 },
    });
    expect(expected.get(brokenT!.id)).toEqual({
      error: { deliveries: 4, attempts: 12 },
      retrying: { deliveries: 8, attempts: 0 },
    });
    expect(await rolledUp(policy.id, "h")).toEqual(await rolledUp(policy.id, "m"));
    expect(await rolledUp(policy.id, "d")).toEqual(await rolledUp(policy.id, "m"));

    expect(okT!.lastSuccessAt).toBeInstanceOf(Date);
    expect(brokenT!.lastSuccessAt).toBeNull();
    expect(brokenT!.lastFailureReason).toMatch(/500/);

    const stats = await deliveryStats("1h", { policyId: policy.id });
    expect(stats.totals).toEqual({ success: 8, error: 4, retrying: 12 });
    expect(stats.successRate).toBeCloseTo(8 / 12);
    expect(stats.attemptsPerDelivery).toBeCloseTo((4 + 8 + 12) / 12);
    expect(stats.p50Ms).not.toBeNull();
    expect(stats.series.reduce((n, p) => n + p.success + p.error + p.retrying, 0)).toBe(24);
    expect(stats.worstTargets.map((t) => [t.targetId, t.errors, t.deliveries])).toEqual([[brokenT!.id, 4, 4]]);
    expect(stats.worstTargets[0]!.lastError).toMatch(/500/);
    expect((await deliveryStats("24h", { policyId: policy.id })).totals).toEqual(stats.totals);
    expect((await deliveryStats("30d", { policyId: policy.id })).totals).toEqual(stats.totals);

    const before = await db.deliveryRollup.findMany({
      where: { policyId: policy.id },
      orderBy: [{ targetId: "asc" }, { grain: "asc" }, { bucket: "asc" }, { outcome: "asc" }],
    });
    const purged = await purgeHistory(new Date(Date.now() + 400 * 86_400_000));
    expect(purged.executions).toBeGreaterThanOrEqual(4);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(0);
    const after = await db.deliveryRollup.findMany({
      where: { policyId: policy.id },
      orderBy: [{ targetId: "asc" }, { grain: "asc" }, { bucket: "asc" }, { outcome: "asc" }],
    });
    expect(after).toEqual(before);
  }, 60_000);

  it("reads p50 and p95 from the latency histogram", () => {
    // 90 answers up to 100 ms, 10 up to 2.5 s.
    const bins = [90, 0, 0, 0, 10, 0, 0, 0, 0];
    expect(percentile(bins, 0.5)).toBe(100);
    expect(percentile(bins, 0.95)).toBe(2500);
    expect(
      percentile(
        bins.map(() => 0),
        0.5,
      ),
    ).toBeNull();
  });

  it("of a project hold its own webhooks only: not another project's, not instance-wide ones, not destinations", async () => {
    const ok = await delivery.receiver((_q, res) => res.end("ok"));
    const broken = await delivery.receiver((_q, res) => {
      res.statusCode = 500;
      res.end("receiver is down");
    });
    const { actor } = await admin;
    const [a, b, quiet] = [await makeProject(), await makeProject(), await makeProject()];
    const input = (name: string, url: string, extra: Record<string, unknown> = {}) =>
      policyInputSchema.parse({
        name,
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: `${url}/hook` }],
        ...extra,
      });
    const inA = await requireProject(actor, a.id, "webhook.manage");
    const { policy: good } = await createPolicy(inA, input("good", ok.url));
    const { policy: failing } = await createPolicy(inA, input("failing", broken.url));
    const { policy: other } = await createPolicy(
      await requireProject(actor, b.id, "webhook.manage"),
      input("b", ok.url),
    );
    const instance = instanceWebhookAccess(requireSystem(actor, "webhooks.instance"), "webhook.manage");
    const { policy: wide } = await createPolicy(instance, input(`wide-${a.name}`, ok.url, { project_pattern: a.name }));
    const key = await requireKeyProject((await authenticateApiKey((await makeApiKey(a.id)).key))!, "webhook.manage");
    await createDestination(key, destinationCreateSchema.parse({ url: `${ok.url}/dest` }));
    const db = await getDb();
    const destination = await db.webhookPolicy.findFirstOrThrow({ where: { projectId: a.id, kind: "destination" } });
    for (const project of [a, a, b])
      await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });

    // A's two webhooks, the instance-wide one and A's destination take 2 events each; B's webhook 1.
    await until(
      async () =>
        (await db.task.count({
          where: {
            policyId: { in: [good.id, failing.id, wide.id, destination.id, other.id] },
            status: { in: ["Success", "Error"] },
          },
        })) === 9,
      30_000,
      "every task finished",
    );
    const ofA = await until(
      async () => {
        const stats = await deliveryStats("1h", { projectId: a.id });
        return stats.totals.error === 2 ? stats : undefined;
      },
      5_000,
      "the failing webhook's deliveries rolled up",
    );
    // Three attempts each for the failing target: two retried, the last an error.
    expect(ofA.totals).toEqual({ success: 2, error: 2, retrying: 4 });
    const perPolicy = [
      await deliveryStats("1h", { policyId: good.id }),
      await deliveryStats("1h", { policyId: failing.id }),
    ];
    expect(perPolicy.map((s) => s.totals)).toEqual([
      { success: 2, error: 0, retrying: 0 },
      { success: 0, error: 2, retrying: 4 },
    ]);
    expect(ofA.successRate).toBeCloseTo(0.5);
    expect(ofA.attemptsPerDelivery).toBeCloseTo((2 + 6) / 4);
    expect(ofA.series.reduce((n, p) => n + p.success + p.error + p.retrying, 0)).toBe(8);
    expect(ofA.worstTargets.map((t) => [t.policyId, t.errors, t.deliveries])).toEqual([[failing.id, 2, 2]]);
    // The instance-wide webhook and the destination delivered A's events too, outside A's figures.
    for (const outside of [wide, destination])
      expect((await deliveryStats("1h", { policyId: outside.id })).totals).toEqual({
        success: 2,
        error: 0,
        retrying: 0,
      });

    expect((await deliveryStats("24h", { projectId: b.id })).totals).toEqual({ success: 1, error: 0, retrying: 0 });
    expect((await deliveryStats("30d", { projectId: a.id })).totals).toEqual(ofA.totals);
    const none = await deliveryStats("1h", { projectId: quiet.id });
    expect(none.totals).toEqual({ success: 0, error: 0, retrying: 0 });
    expect(none.successRate).toBeNull();
    expect(none.worstTargets).toEqual([]);
    // Both filters narrow together: A's webhook is no webhook of B.
    expect((await deliveryStats("1h", { projectId: b.id, policyId: good.id })).totals).toEqual(none.totals);
  }, 60_000);
});
