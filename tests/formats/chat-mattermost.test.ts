import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import { MATTERMOST_TEXT_LIMIT, type MattermostMessage } from "@/lib/formats/mattermost";
import { EVENT_TYPES, type HarborEvent } from "@/lib/shared/events";

const ctx = { id: "msg-1", requestId: "req-1", projectId: 2, policyId: 15, executionId: 7 };

function render(event: HarborEvent, externalUrl?: string): MattermostMessage {
  const { body } = renderPayload({ type: "mattermost", payloadFormat: "Default" }, event, { ...ctx, externalUrl });
  return JSON.parse(body) as MattermostMessage;
}

/** Mattermost's incoming-webhook payload with a message attachment (Slack-compatible fields). */
function expectValidMessage(message: MattermostMessage) {
  expect(Object.keys(message).sort()).toEqual(["attachments", "text"]);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(MATTERMOST_TEXT_LIMIT);
  expect(message.attachments).toHaveLength(1);
  const [a] = message.attachments;
  expect(a.fallback.length).toBeGreaterThan(0);
  expect(a.color).toMatch(/^#[0-9a-f]{6}$/);
  expect(a.title.length).toBeGreaterThan(0);
  expect(a.fields.length).toBeGreaterThan(0);
  for (const field of a.fields) {
    expect(typeof field.short).toBe("boolean");
    expect(field.title.length).toBeGreaterThan(0);
    expect(field.value.trim().length).toBeGreaterThan(0);
  }
}

describe.each(EVENT_TYPES.map((t) => [t]))("Mattermost message for %s", (type) => {
  it("is Markdown text plus one attachment with fields, linked with EXTERNAL_URL", () => {
    const plain = render(sampleEvent(type));
    expectValidMessage(plain);
    expect(plain.text).toMatch(/^#### /);
    expect(plain.attachments[0].title_link).toBeUndefined();

    const linked = render(sampleEvent(type), "https://notifier.example.com");
    expectValidMessage(linked);
    const url = "https://notifier.example.com/projects/2/webhooks/15/executions/7";
    expect(linked.text).toContain(`[Open in Harbor Notifier](${url})`);
    expect(linked.attachments[0].title_link).toBe(url);
  });
});

describe("Mattermost markup", () => {
  it("shows event text literally and notifies nobody", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    event.operator = "@channel **bold** [x](https://evil.example) `code`";
    const message = render(event);
    expectValidMessage(message);
    const operator = message.attachments[0].fields.find((f) => f.title === "Operator")!;
    expect(operator.value).toBe("@\u200bchannel \\*\\*bold\\*\\* \\[x\\]\\(https://evil.example\\) \\`code\\`");
    expect(message.attachments[0].fallback).not.toMatch(/@channel/);
  });

  it("escapes repository names that look like emphasis", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    const repo = event.event_data.repository as Record<string, string>;
    repo.repo_full_name = "lib/__init__";
    expect(render(event).text).toContain("lib/\\_\\_init\\_\\_");
  });

  it("cuts oversized values without cutting an escape", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    event.operator = "_".repeat(20_000);
    const message = render(event);
    expectValidMessage(message);
    const operator = message.attachments[0].fields.find((f) => f.title === "Operator")!;
    expect(operator.value.length).toBeLessThanOrEqual(1000);
    expect(operator.value).toMatch(/^(\\_)+…$/);
  });
});
