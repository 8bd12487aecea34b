import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CloudEvent, HTTP } from "cloudevents";
import { describe, expect, it } from "vitest";
import { CLOUDEVENT_TYPES, EVENT_TYPES, type EventType, type HarborEvent } from "@/lib/shared/events";
import { parseHarborEvent } from "@/lib/events/types";
import { buildCloudEvent } from "@/lib/formats/cloudevents";
import { buildDefaultPayload } from "@/lib/formats/default";
import { renderPayload } from "@/lib/formats/index";
import {
  SLACK_MAX_BLOCKS,
  SLACK_SECTION_TEXT_LIMIT,
  SLACK_TEXT_LIMIT,
  buildSlackMessage,
  escapeSlackText,
  splitForCodeBlocks,
} from "@/lib/formats/slack";

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function fixture(type: EventType, format: "default" | "cloudevents"): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(fixturesDir, `${type}.${format}.json`), "utf8")) as Record<string, unknown>;
}

function defaultExampleEvent(type: EventType): HarborEvent {
  const parsed = parseHarborEvent(fixture(type, "default"));
  if (!parsed.ok) throw new Error(`${type} example does not parse: ${parsed.field}: ${parsed.message}`);
  return parsed.event;
}

/** The event a CloudEvents example was made from (its time can differ from the Default example's occur_at). */
function cloudEventExampleEvent(type: EventType): HarborEvent {
  const ce = fixture(type, "cloudevents");
  return {
    type,
    occur_at: Date.parse(ce.time as string) / 1000,
    operator: ce.operator as string,
    event_data: ce.data as Record<string, unknown>,
  };
}

type SlackTextBlock = { type: string; text?: { type: string; text: string } };

function slackBlocks(event: HarborEvent): SlackTextBlock[] {
  return (buildSlackMessage(event).blocks ?? []) as SlackTextBlock[];
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function codeBlockContents(blocks: SlackTextBlock[]): string[] {
  return blocks
    .map((block) => block.text?.text ?? "")
    .filter((text) => text.startsWith("```"))
    .map((text) => unescapeSlack(text.replace(/^```\n/, "").replace(/\n```$/, "")));
}

function expectValidSlackMessage(event: HarborEvent): SlackTextBlock[] {
  const message = buildSlackMessage(event);
  const blocks = slackBlocks(event);
  expect(blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
  for (const block of blocks) {
    expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_SECTION_TEXT_LIMIT);
  }
  expect(message.text?.length ?? 0).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
  expect(message.text).toBeTruthy();
  return blocks;
}

const CE_CONTEXT = { projectId: 2, policyId: 15 };

describe.each(EVENT_TYPES.map((type) => [type]))("%s", (type) => {
  it("Default payload equals the spec example, key order included", () => {
    const example = fixture(type, "default");
    const { body, contentType } = buildDefaultPayload(defaultExampleEvent(type));
    expect(contentType).toBe("application/json");
    expect(JSON.parse(body)).toEqual(example);
    expect(body).toBe(JSON.stringify(example));
  });

  it("CloudEvents payload equals the spec example", () => {
    const example = fixture(type, "cloudevents");
    const { body, contentType, event } = buildCloudEvent(cloudEventExampleEvent(type), {
      id: example.id as string,
      requestId: example.requestid as string,
      ...CE_CONTEXT,
    });
    expect(contentType).toBe("application/cloudevents+json");
    expect(JSON.parse(body)).toEqual(example);
    expect(body).toBe(JSON.stringify(example)); // attribute order and seconds-precision time too
    expect(event.validate()).toBe(true);
  });

  it("CloudEvents payload parses back with the cloudevents SDK", () => {
    const harborEvent = defaultExampleEvent(type);
    const { body } = buildCloudEvent(harborEvent, { id: "id-1", requestId: "req-1", ...CE_CONTEXT });
    const received = HTTP.toEvent({ headers: { "content-type": "application/cloudevents+json" }, body });
    expect(received).toBeInstanceOf(CloudEvent);
    const ce = received as CloudEvent<Record<string, unknown>>;
    expect(ce.validate()).toBe(true);
    expect(ce.specversion).toBe("1.0");
    expect(ce.type).toBe(CLOUDEVENT_TYPES[type]);
    expect(ce.source).toBe("/projects/2/webhook/policies/15");
    expect(ce.id).toBe("id-1");
    expect(ce.data).toEqual(harborEvent.event_data);
    expect(ce.requestid).toBe("req-1");
    expect(ce.operator).toBe(harborEvent.operator);
    expect(Date.parse(ce.time!) / 1000).toBe(harborEvent.occur_at);
  });

  it("Slack message is valid and carries the event", () => {
    const event = defaultExampleEvent(type);
    const blocks = expectValidSlackMessage(event);
    const allText = blocks.map((block) => block.text?.text ?? "").join("\n");
    expect(allText).toContain("Harbor webhook events");
    expect(allText).toContain(`event_type: ${type}`);
    expect(allText).toContain(`operator: ${escapeSlackText(event.operator)}`);
    expect(allText).toMatch(new RegExp(`<!date\\^${event.occur_at}\\^[^|>]+\\|[^>]+>`));
    expect(allText).not.toContain("(truncated");
    expect(JSON.parse(codeBlockContents(blocks).join("\n"))).toEqual(event.event_data);
  });
});

describe("CloudEvents time", () => {
  it("is RFC 3339 UTC with whole seconds, not the SDK's milliseconds", () => {
    const { body } = buildCloudEvent(defaultExampleEvent("PUSH_ARTIFACT"), { id: "a", requestId: "b", ...CE_CONTEXT });
    expect(JSON.parse(body).time).toBe("2023-04-03T06:04:53Z");
  });
});

describe("Slack message limits", () => {
  function hugeEvent(): HarborEvent {
    const event = defaultExampleEvent("PUSH_ARTIFACT");
    const resources = Array.from({ length: 2000 }, (_, i) => ({
      digest: `sha256:${String(i).padStart(64, "0")}`,
      tag: `v${i}`,
      resource_url: `localhost/harbor/alpine:v${i}`,
    }));
    return { ...event, event_data: { ...event.event_data, resources } };
  }

  it("truncates a huge event_data with a note and stays valid", () => {
    const event = hugeEvent();
    const blocks = expectValidSlackMessage(event);
    const last = blocks[blocks.length - 1]!.text!.text;
    expect(last).toMatch(/^\(truncated: \d+ more characters; see the webhook history\)$/);
    const shown = codeBlockContents(blocks).join("\n").length;
    const omitted = Number(/truncated: (\d+)/.exec(last)![1]);
    expect(shown + omitted).toBe(JSON.stringify(event.event_data, null, 4).length);
  });

  it("splits a medium event_data over several code blocks without losing anything", () => {
    const event = hugeEvent();
    const resources = (event.event_data.resources as unknown[]).slice(0, 40);
    const medium = { ...event, event_data: { ...event.event_data, resources } };
    const blocks = expectValidSlackMessage(medium);
    expect(codeBlockContents(blocks).length).toBeGreaterThan(1);
    expect(JSON.parse(codeBlockContents(blocks).join("\n"))).toEqual(medium.event_data);
  });

  it("escapes &, < and > and keeps escaped blocks within the limit", () => {
    const event = defaultExampleEvent("QUOTA_EXCEED");
    const details = "<&>".repeat(3000);
    const tricky = {
      ...event,
      operator: "a<b>&c",
      event_data: { ...event.event_data, custom_attributes: { Details: details } },
    };
    const blocks = expectValidSlackMessage(tricky);
    const allText = blocks.map((block) => block.text?.text ?? "").join("\n");
    expect(allText).toContain("operator: a&lt;b&gt;&amp;c");
    // Outside the date token, no raw < or > reaches Slack.
    expect(allText.replace(/<!date\^[^>]+>/, "")).not.toMatch(/[<>]/);
    // Every & sent is the start of an entity: no entity was cut between blocks.
    for (const block of blocks) expect(block.text?.text ?? "").not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(codeBlockContents(blocks).join("\n")).toContain(`"Details": "<&><&>`);
  });

  it("caps a very long operator", () => {
    const event = { ...defaultExampleEvent("PUSH_ARTIFACT"), operator: "x".repeat(10_000) };
    expectValidSlackMessage(event);
  });

  it("splitForCodeBlocks never exceeds the escaped budget and never splits an entity", () => {
    const text = "&".repeat(50);
    const { pieces, omitted } = splitForCodeBlocks(text, 12, 100);
    expect(omitted).toBe(0);
    for (const piece of pieces) expect(escapeSlackText(piece).length).toBeLessThanOrEqual(12);
    expect(pieces.join("")).toBe(text);
  });
});

describe("renderPayload", () => {
  const event = defaultExampleEvent("PUSH_ARTIFACT");
  const ctx = { id: "id-1", requestId: "req-1", projectId: 2, policyId: 15 };

  it("sends the Default payload to an http target by default", () => {
    const rendered = renderPayload({ type: "http", payloadFormat: "Default" }, event, ctx);
    expect(rendered).toEqual(buildDefaultPayload(event));
  });

  it("sends CloudEvents when the http target asks for them", () => {
    const rendered = renderPayload({ type: "http", payloadFormat: "CloudEvents" }, event, ctx);
    expect(rendered.contentType).toBe("application/cloudevents+json");
    expect(rendered.body).toBe(buildCloudEvent(event, ctx).body);
  });

  it("always sends the Slack message to a slack target", () => {
    for (const payloadFormat of ["Default", "CloudEvents"] as const) {
      const rendered = renderPayload({ type: "slack", payloadFormat }, event, ctx);
      expect(rendered.contentType).toBe("application/json");
      expect(JSON.parse(rendered.body)).toEqual(buildSlackMessage(event));
    }
  });
});
