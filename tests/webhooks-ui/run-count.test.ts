// The run count reads truthfully: why a failure was not retried, how far retries went, and what a
// redelivery did to the maximum (it adds attempts to the same task: the maximum grows, and says why).
import { describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { redeliverTask } from "@/lib/delivery/task-control";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { runCountText } from "@/lib/shared/display";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { executionRunText, redeliveredAfter, taskRunText } from "@/lib/webhooks-ui/history-view";
import { DEAD_URL, makeProject, makeUser } from "../helpers/fixtures";

describe("runCountText", () => {
  it("a failure that is not retried says so, and why", () => {
    expect(
      runCountText({
        status: "Error",
        runCount: 1,
        maxAttempts: 4,
        statusMessage: "response code 400, response body: bad (not retried)",
      }),
    ).toBe("1 attempt (not retried: 400 is not retryable)");
    expect(
      runCountText({
        status: "Error",
        runCount: 1,
        maxAttempts: 4,
        statusMessage: "refused_address: 10.1.2.3 is not in the allowed networks (not retried)",
      }),
    ).toBe("1 attempt (not retried: refused_address: 10.1.2.3 is not in the allowed networks)");
    expect(
      runCountText({
        status: "Error",
        runCount: 1,
        maxAttempts: 4,
        statusMessage: "response code 410, response body: gone",
      }),
    ).toBe("1 attempt (not retried: 410 Gone, the endpoint is paused)");
  });

  it("retries count against the maximum; giving up is said", () => {
    expect(runCountText({ status: "Pending", runCount: 3, maxAttempts: 4, statusMessage: "attempt 3 failed" })).toBe(
      "3 of 4 attempts",
    );
    expect(runCountText({ status: "Pending", runCount: 0, maxAttempts: 4 })).toBe("no attempt yet (up to 4)");
    expect(runCountText({ status: "Running", runCount: 2, maxAttempts: 4 })).toBe("attempt 3 of 4 under way");
    expect(runCountText({ status: "Error", runCount: 4, maxAttempts: 4, statusMessage: "response code 500" })).toBe(
      "4 of 4 attempts (gave up)",
    );
    expect(runCountText({ status: "Success", runCount: 1, maxAttempts: 4 })).toBe("1 attempt");
    expect(runCountText({ status: "Success", runCount: 2, maxAttempts: 4 })).toBe("2 of 4 attempts");
    expect(runCountText({ status: "Stopped", runCount: 1, maxAttempts: 4 })).toBe("1 of 4 attempts (stopped)");
    expect(runCountText({ status: "Stopped", runCount: 0, maxAttempts: 4 })).toBe("stopped before any attempt");
  });

  it("after a redelivery the grown maximum is explained", () => {
    // 4 attempts failed; the redelivery allows 4 more on the same task: the maximum is now 8.
    const t = { maxAttempts: 8, redeliveredAfter: 4 };
    expect(runCountText({ ...t, status: "Pending", runCount: 4 })).toBe("redelivered: attempt 5 pending (4 before)");
    expect(runCountText({ ...t, status: "Running", runCount: 4 })).toBe("redelivered: attempt 5 under way (4 before)");
    expect(runCountText({ ...t, status: "Success", runCount: 5 })).toBe("redelivered: attempt 5 (4 before)");
    expect(runCountText({ ...t, status: "Pending", runCount: 6 })).toBe("redelivered: attempts 5–6 of 8 (4 before)");
    expect(runCountText({ ...t, status: "Error", runCount: 8, statusMessage: "response code 500" })).toBe(
      "redelivered: attempts 5–8 of 8 (4 before), gave up",
    );
    expect(runCountText({ ...t, status: "Success", runCount: 8 })).not.toMatch(/^8 of 8/);
  });
});

describe("redeliveries read from the task's history", () => {
  it("a redelivered task shows its attempts before, and the count does not silently change", async () => {
    const { actor } = await makeUser({ sysadmin: true });
    const project = await makeProject();
    const access = await requireProject(actor, project.id, "webhook.manage");
    const { policy } = await createPolicy(
      access,
      policyInputSchema.parse({
        name: "runs",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: DEAD_URL, payload_format: "Default" }],
        retry_policy: { max_attempts: 4 },
      }),
    );
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const db = await getDb();
    const task = await db.task.findFirstOrThrow({ where: { policyId: policy.id } });
    // As the worker leaves it after four failed attempts.
    await db.task.update({
      where: { id: task.id },
      data: { status: "Error", runCount: 4, statusMessage: "response code 500 (gave up after 4 attempts)" },
    });
    expect(await redeliveredAfter([task.id])).toEqual(new Map());
    expect(taskRunText({ ...(await db.task.findUniqueOrThrow({ where: { id: task.id } })) }, new Map())).toBe(
      "4 of 4 attempts (gave up)",
    );

    expect(await redeliverTask(access, policy.id, task.id)).toBe(1);
    const requeued = await db.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(requeued).toMatchObject({ status: "Pending", runCount: 4, maxAttempts: 8 });
    const redelivered = await redeliveredAfter([task.id]);
    expect(redelivered.get(task.id)).toBe(4);
    expect(executionRunText([requeued], redelivered)).toBe("redelivered: attempt 5 pending (4 before)");

    await db.task.update({ where: { id: task.id }, data: { status: "Success", runCount: 5 } });
    const done = await db.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(taskRunText(done, redelivered)).toBe("redelivered: attempt 5 (4 before)");
  });
});
