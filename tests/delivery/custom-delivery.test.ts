// Custom payload templates and custom headers through the worker: a real local receiver gets the
// rendered body with its content type and the extra headers; the recorded headers mask them; a
// template that fails at send time ends the task with the reason in its log, without a request.
import { beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { renderCustomPayload } from "@/lib/formats/custom";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { TEMPLATE_PRESETS } from "@/lib/shared/template-presets";
import { makeProject, makeUser } from "../helpers/fixtures";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { taskOnceStatus } from "../helpers/tasks";

const delivery = useDeliveryWorker("custom-delivery");
let admin: ReturnType<typeof makeUser>;

beforeAll(() => {
  admin = makeUser({ sysadmin: true });
});

const receiver = () => delivery.receiver((_q, res) => res.end("ok"));

async function policyWith(target: Record<string, unknown>) {
  const project = await makeProject();
  const { actor } = await admin;
  const input = policyInputSchema.parse({ name: "custom", event_types: ["PUSH_ARTIFACT"], targets: [target] });
  const { policy } = await createPolicy(await requireProject(actor, project.id, "webhook.manage"), input);
  return { project, policy };
}

const ended = (policyId: number) => taskOnceStatus(policyId, "Success", "Error");

describe("Custom deliveries through the worker", () => {
  it("an http target sends the rendered body, its content type and the custom headers, masked in the record", async () => {
    const rx = await receiver();
    const text = TEMPLATE_PRESETS.find((p) => p.id === "text")!;
    const { project, policy } = await policyWith({
      type: "http",
      address: `${rx.url}/hook`,
      payload_format: "Custom",
      payload_template: text.template,
      content_type: text.contentType,
      custom_headers: { "X-Api-Key": "key-for-receiver", "X-Team": "registry", "user-agent": "registry-bot/1" },
    });
    const event = sampleEvent("PUSH_ARTIFACT");
    await ingestEvent({ projectId: project.id, event, source: "api" });
    const task = await ended(policy.id);
    expect(task.status).toBe("Success");

    expect(rx.requests).toHaveLength(1);
    const [req] = rx.requests;
    expect(req.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(req.headers["x-api-key"]).toBe("key-for-receiver");
    expect(req.headers["x-team"]).toBe("registry");
    expect(req.headers["user-agent"]).toBe("registry-bot/1");
    expect(req.headers["webhook-signature"]).toMatch(/^v1,/);
    const expected = renderCustomPayload({ template: text.template, contentType: text.contentType }, event, {
      project: { id: project.id, name: project.name },
      policy: { id: policy.id, name: policy.name },
      projectId: project.id,
      policyId: policy.id,
      executionId: task.executionId,
    });
    expect(req.body).toBe(expected.body);
    expect(req.body).toMatch(/^Artifact pushed: harbor\/alpine@sha256:/);

    const recorded = JSON.parse(task.attempts[0].requestHeaders) as Record<string, string>;
    expect(recorded["X-Api-Key"]).toBe("••••••••");
    expect(recorded["X-Team"]).toBe("••••••••");
    const everything = JSON.stringify(task);
    expect(everything).not.toContain("key-for-receiver");
  });

  it("a chat target with a Custom template sends it instead of the tool's message", async () => {
    const rx = await receiver();
    const teams = TEMPLATE_PRESETS.find((p) => p.id === "teams")!;
    const { project, policy } = await policyWith({
      type: "teams",
      address: `${rx.url}/workflows/x`,
      payload_format: "Custom",
      payload_template: teams.template,
    });
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await ended(policy.id);
    expect(task.status).toBe("Success");
    expect(rx.requests[0].headers["content-type"]).toBe("application/json");
    const card = JSON.parse(rx.requests[0].body).attachments[0].content;
    expect(card.body[0].text).toMatch(/^Artifact pushed: harbor\/alpine/);
  });

  it("a template that fails at send time ends the task at once, the reason in its log, nothing sent", async () => {
    const rx = await receiver();
    // Valid JSON for every sample event; not for this operator.
    const { project, policy } = await policyWith({
      type: "http",
      address: `${rx.url}/hook`,
      payload_format: "Custom",
      payload_template: '{% if operator == "mallory" %}{"broken": {% else %}{"ok": true}{% endif %}',
    });
    const event = sampleEvent("PUSH_ARTIFACT");
    event.operator = "mallory";
    await ingestEvent({ projectId: project.id, event, source: "api" });
    const task = await ended(policy.id);
    expect(task.status).toBe("Error");
    expect(task.runCount).toBe(1);
    expect(rx.requests).toHaveLength(0);
    const log = task.logs.map((l) => l.message).join("\n");
    expect(log).toMatch(
      /failed to run webhook job: invalid_request: the payload template failed: renders text that is not JSON/,
    );
    expect(log).toMatch(/not retried/);
    expect(task.statusMessage).toMatch(/payload template failed/);
  });
});
