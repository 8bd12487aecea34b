/**
 * The pagination total of a policy's executions (Harbor's X-Total-Count): exact up to
 * EXACT_COUNT_LIMIT, then PostgreSQL's planner estimate (close to the truth once the table is
 * analysed) and never below the limit; SQLite counts exactly, and keeps a count that large for 30 s.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dialect, getDb } from "@/lib/db/client";
import { EXACT_COUNT_LIMIT, listExecutions } from "@/lib/history/queries";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { analyze, seedHistory } from "../../scripts/bench/seed";
import { DEAD_URL, makeProject, makeUser } from "../helpers/fixtures";
import { useOwnDatabase } from "../helpers/own-database";

// A database of its own: the totals below count every execution of the policy, and a retention
// purge run by another file would trim a policy this large.
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("count"));
}, 60_000);
afterAll(async () => dispose?.(), 60_000);

describe("listExecutions total", () => {
  it("is exact up to the limit, estimated beyond it on PostgreSQL, exact (kept for 30 s) on SQLite", async () => {
    const { actor } = await makeUser({ sysadmin: true });
    const project = await makeProject();
    const policies = [];
    for (const name of ["big", "small-a", "small-b"]) {
      const { policy } = await createPolicy(
        await requireProject(actor, project.id, "webhook.manage"),
        policyInputSchema.parse({
          name,
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: DEAD_URL }],
        }),
      );
      policies.push({ policyId: policy.id, targetId: policy.targets[0].id });
    }
    const total = 12_000; // nine in ten on "big": 10,800; 600 on each small one
    await seedHistory({ projectId: project.id, policies, total, events: 100, detailed: 10 });
    await analyze();
    const db = await getDb();
    const [big, small] = policies.map((p) => p.policyId);
    const exactBig = await db.execution.count({ where: { policyId: big } });
    expect(exactBig).toBe(10_800);
    expect(exactBig).toBeGreaterThan(EXACT_COUNT_LIMIT);

    const page = (policyId: number, filter: { status?: "Error" | "Success" } = {}) =>
      listExecutions(policyId, { page: 1, pageSize: 15, ...filter });
    expect((await page(small)).total).toBe(600);
    expect((await page(big, { status: "Error" })).total).toBe(
      await db.execution.count({ where: { policyId: big, status: "Error" } }),
    );
    const { total: bigTotal, items } = await page(big);
    expect(items).toHaveLength(15);
    if (dialect() === "postgresql") {
      expect(bigTotal).toBeGreaterThan(EXACT_COUNT_LIMIT);
      expect(Math.abs(bigTotal - exactBig) / exactBig).toBeLessThan(0.1);
    } else {
      expect(bigTotal).toBe(exactBig);
      // Beyond the limit the count is kept for 30 s: a deleted execution shows in the total after that.
      await db.execution.delete({ where: { id: items[0].id } });
      expect((await page(big)).total).toBe(exactBig);
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(Date.now() + 31_000);
        expect((await page(big)).total).toBe(exactBig - 1);
      } finally {
        vi.useRealTimers();
      }
    }
  });
});
