import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import { DISCORD_LIMITS, discordEmbedLength, type DiscordMessage } from "@/lib/formats/discord";
import { EVENT_TYPES, type HarborEvent } from "@/lib/shared/events";

const ctx = { id: "msg-1", requestId: "req-1", projectId: 2, policyId: 15, executionId: 7 };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function render(event: HarborEvent, externalUrl?: string): DiscordMessage {
  const { body } = renderPayload({ type: "discord", payloadFormat: "Default" }, event, { ...ctx, externalUrl });
  return JSON.parse(body) as DiscordMessage;
}

/** Discord's documented embed limits; a message beyond any of them is refused with 400. */
function expectWithinDiscordLimits(message: DiscordMessage) {
  if (message.content !== undefined) expect(message.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  expect(message.allowed_mentions).toEqual({ parse: [] });
  expect(message.embeds).toHaveLength(1);
  const [embed] = message.embeds;
  expect(embed.title.length).toBeGreaterThan(0);
  expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
  expect(embed.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
  expect(embed.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
  for (const field of embed.fields) {
    expect(field.name.length).toBeGreaterThan(0);
    expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
    expect(field.value.trim().length).toBeGreaterThan(0);
    expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    expect(typeof field.inline).toBe("boolean");
  }
  expect(embed.footer.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
  expect(discordEmbedLength(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  expect(new Date(embed.timestamp).toISOString().replace(".000Z", "Z")).toBe(embed.timestamp);
  expect(Number.isInteger(embed.color)).toBe(true);
  expect(embed.color).toBeGreaterThanOrEqual(0);
  expect(embed.color).toBeLessThanOrEqual(0xffffff);
  for (const text of [embed.title, embed.description, ...embed.fields.flatMap((f) => [f.name, f.value])]) {
    expect(text).not.toMatch(LONE_SURROGATE);
  }
}

describe.each(EVENT_TYPES.map((t) => [t]))("Discord message for %s", (type) => {
  it("is one embed within Discord's limits, with the facts as fields", () => {
    const message = render(sampleEvent(type));
    expectWithinDiscordLimits(message);
    expect(message.embeds[0].fields.map((f) => f.name)).toContain("Time");
    expect(message.embeds[0].url).toBeUndefined();
  });

  it("links the title and the description to the delivery with EXTERNAL_URL", () => {
    const message = render(sampleEvent(type), "https://notifier.example.com");
    expectWithinDiscordLimits(message);
    const url = "https://notifier.example.com/projects/2/webhooks/15/executions/7";
    expect(message.embeds[0].url).toBe(url);
    expect(message.embeds[0].description).toContain(`(${url})`);
  });
});

describe("Discord truncation and markup", () => {
  it("cuts an oversized event cleanly: every limit held, ellipses, no broken surrogate pair", () => {
    const event = sampleEvent("REPLICATION");
    event.operator = `@everyone ${"😀".repeat(5_000)}`;
    const replication = event.event_data.replication as Record<string, unknown>;
    replication.job_status = `Failed ${"x".repeat(3_000)}`;
    replication.policy_creator = "y".repeat(3_000);
    replication.successful_artifact = Array.from({ length: 500 }, (_, i) => ({
      type: "image",
      status: "Success",
      name_tag: `${"n".repeat(200)}-${i}:latest`,
    }));
    replication.failed_artifact = replication.successful_artifact;
    (replication.src_resource as Record<string, unknown>).endpoint = `https://${"h".repeat(3_000)}.example`;
    (replication.dest_resource as Record<string, unknown>).endpoint = `https://${"d".repeat(3_000)}.example`;

    const message = render(event, "https://notifier.example.com");
    expectWithinDiscordLimits(message);
    const [embed] = message.embeds;
    expect(embed.title).toMatch(/…$/);
    expect(embed.title.length).toBe(DISCORD_LIMITS.title);
    expect(embed.fields.some((f) => f.value.endsWith("…"))).toBe(true);
    expect(discordEmbedLength(embed)).toBeGreaterThan(DISCORD_LIMITS.embedTotal - 1500); // filled, not emptied
    expect(embed.description).toContain("@everyone"); // shown, but allowed_mentions notifies nobody
  });

  it("escapes Markdown in event text", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    event.operator = "**admin** ||spoiler|| `x` [link](https://evil.example)";
    const [embed] = render(event).embeds;
    expect(embed.fields.find((f) => f.name === "Operator")!.value).toBe(
      "\\*\\*admin\\*\\* \\|\\|spoiler\\|\\| \\`x\\` \\[link\\]\\(https://evil.example\\)",
    );
  });

  it("renders an event with a field per fact, never more than 25", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    const resources = event.event_data.resources as unknown[];
    for (let i = 0; i < 40; i++) resources.push({ digest: `sha256:${i}`, tag: `t${i}`, resource_url: "x" });
    expectWithinDiscordLimits(render(event));
  });
});
