import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import { ADAPTIVE_CARD_CONTENT_TYPE, buildTeamsMessage } from "@/lib/formats/teams";
import { EVENT_TYPES, type HarborEvent } from "@/lib/shared/events";

const ctx = { id: "msg-1", requestId: "req-1", projectId: 2, policyId: 15, executionId: 7 };
const LINKED = { ...ctx, externalUrl: "https://notifier.example.com" };

type Card = {
  type: string;
  version: string;
  body: { type: string; text?: string; facts?: { title: unknown; value: unknown }[] }[];
  actions?: { type: string; title: string; url: string }[];
};

function render(event: HarborEvent, context: typeof ctx & { externalUrl?: string } = ctx) {
  const { body, contentType } = renderPayload({ type: "teams", payloadFormat: "Default" }, event, context);
  expect(contentType).toBe("application/json");
  return JSON.parse(body) as { type: string; attachments: { contentType: string; content: Card }[] };
}

/** The Adaptive Card rules Teams enforces (schema 1.4): a card it would refuse fails here. */
function expectValidCard(card: Card) {
  expect(card.type).toBe("AdaptiveCard");
  expect(Number(card.version)).toBeGreaterThanOrEqual(1.4);
  expect(card.body.length).toBeGreaterThan(0);
  for (const element of card.body) {
    expect(["TextBlock", "FactSet"]).toContain(element.type);
    if (element.type === "TextBlock") expect(element.text?.length).toBeGreaterThan(0);
    if (element.type === "FactSet") {
      expect(element.facts?.length).toBeGreaterThan(0);
      for (const fact of element.facts ?? []) {
        expect(typeof fact.title).toBe("string");
        expect(typeof fact.value).toBe("string");
        expect((fact.title as string).length).toBeGreaterThan(0);
        expect((fact.value as string).trim().length).toBeGreaterThan(0);
      }
    }
  }
  for (const action of card.actions ?? []) {
    expect(action.type).toBe("Action.OpenUrl");
    expect(action.title.length).toBeGreaterThan(0);
    expect(() => new URL(action.url)).not.toThrow();
  }
}

describe.each(EVENT_TYPES.map((t) => [t]))("Teams message for %s", (type) => {
  it("is one Adaptive Card attachment with a title naming the event and the facts", () => {
    const message = render(sampleEvent(type));
    expect(message.type).toBe("message");
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    const card = message.attachments[0].content;
    expectValidCard(card);
    expect(card.body[0].text).toMatch(/^[A-Z]/);
    const facts = card.body.find((e) => e.type === "FactSet")!.facts!;
    expect(facts.map((f) => f.title)).toContain("Time");
    expect(card.actions).toBeUndefined(); // no EXTERNAL_URL, no link
  });

  it("links to the delivery when EXTERNAL_URL is set", () => {
    const card = render(sampleEvent(type), LINKED).attachments[0].content;
    expectValidCard(card);
    expect(card.actions).toEqual([
      {
        type: "Action.OpenUrl",
        title: "Open in Harbor Notifier",
        url: "https://notifier.example.com/projects/2/webhooks/15/executions/7",
      },
    ]);
  });
});

describe("Teams message limits", () => {
  it("cuts oversized values, so the message stays far below Teams' 28 KB", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    event.operator = "x".repeat(100_000);
    const body = JSON.stringify(buildTeamsMessage(event, ctx));
    expect(body.length).toBeLessThan(28 * 1024);
    const card = JSON.parse(body).attachments[0].content as Card;
    expectValidCard(card);
    const operator = card.body.find((e) => e.type === "FactSet")!.facts!.find((f) => f.title === "Operator")!;
    expect(operator.value).toMatch(/^x+…$/);
  });
});
