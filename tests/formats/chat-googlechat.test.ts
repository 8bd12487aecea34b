import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import { GOOGLE_CHAT_TEXT_LIMIT, type GoogleChatMessage } from "@/lib/formats/googlechat";
import { EVENT_TYPES, type HarborEvent } from "@/lib/shared/events";

const ctx = { id: "msg-1", requestId: "req-1", projectId: 2, policyId: 15, executionId: 7 };

function render(event: HarborEvent, externalUrl?: string): GoogleChatMessage {
  const { body } = renderPayload({ type: "googlechat", payloadFormat: "Default" }, event, { ...ctx, externalUrl });
  return JSON.parse(body) as GoogleChatMessage;
}

/** The cardsV2 shape of Google Chat's message resource. */
function expectValidMessage(message: GoogleChatMessage) {
  expect(Object.keys(message).sort()).toEqual(["cardsV2", "text"]);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(GOOGLE_CHAT_TEXT_LIMIT);
  expect(message.cardsV2).toHaveLength(1);
  const { cardId, card } = message.cardsV2[0];
  expect(cardId).toMatch(/^[a-z-]+$/);
  expect(card.header.title.length).toBeGreaterThan(0);
  expect(card.header.subtitle.length).toBeGreaterThan(0);
  expect(card.sections).toHaveLength(1);
  for (const widget of card.sections[0].widgets) {
    expect(Object.keys(widget)).toHaveLength(1); // one widget kind per widget
    if ("decoratedText" in widget) {
      expect(widget.decoratedText.topLabel.length).toBeGreaterThan(0);
      expect(widget.decoratedText.text.trim().length).toBeGreaterThan(0);
    } else {
      expect(widget.buttonList.buttons.length).toBeGreaterThan(0);
      for (const b of widget.buttonList.buttons) expect(() => new URL(b.onClick.openLink.url)).not.toThrow();
    }
  }
}

describe.each(EVENT_TYPES.map((t) => [t]))("Google Chat message for %s", (type) => {
  it("is a text fallback plus one card with the facts, and a button with EXTERNAL_URL", () => {
    const plain = render(sampleEvent(type));
    expectValidMessage(plain);
    const widgets = plain.cardsV2[0].card.sections[0].widgets;
    expect(widgets.every((w) => "decoratedText" in w)).toBe(true);
    expect(widgets.map((w) => ("decoratedText" in w ? w.decoratedText.topLabel : ""))).toContain("Time");

    const linked = render(sampleEvent(type), "https://notifier.example.com");
    expectValidMessage(linked);
    expect(linked.cardsV2[0].card.sections[0].widgets.at(-1)).toEqual({
      buttonList: {
        buttons: [
          {
            text: "Open in Harbor Notifier",
            onClick: { openLink: { url: "https://notifier.example.com/projects/2/webhooks/15/executions/7" } },
          },
        ],
      },
    });
  });
});

describe("Google Chat markup", () => {
  it("escapes HTML in card text and keeps mentions out of the text fallback", () => {
    const event = sampleEvent("DELETE_ARTIFACT");
    event.operator = '<users/all> <b>bold</b> & "quoted"';
    const message = render(event);
    expectValidMessage(message);
    const operator = message.cardsV2[0].card.sections[0].widgets.find(
      (w) => "decoratedText" in w && w.decoratedText.topLabel === "Operator",
    );
    expect(operator).toEqual({
      decoratedText: {
        topLabel: "Operator",
        text: '&lt;users/all&gt; &lt;b&gt;bold&lt;/b&gt; &amp; "quoted"',
        wrapText: true,
      },
    });
    event.event_data.repository = { ...(event.event_data.repository as object), repo_full_name: "<users/all>" };
    expect(render(event).text).not.toMatch(/[<>]/);
  });

  it("cuts oversized values", () => {
    const event = sampleEvent("QUOTA_WARNING");
    (event.event_data.custom_attributes as Record<string, string>).Details = "&".repeat(50_000);
    const message = render(event);
    expectValidMessage(message);
    expect(JSON.stringify(message).length).toBeLessThan(32_000);
  });
});
