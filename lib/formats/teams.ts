/**
 * Microsoft Teams (a Workflows "post to a channel when a webhook request is received" URL): a message
 * with one Adaptive Card. Teams draws mentions only from explicit `msteams.entities`, so event text
 * cannot notify anyone; values are cut so the card stays far below Teams' 28 KB message limit.
 */
import type { HarborEvent } from "@/lib/shared/events";
import { chatFacts, LINK_TITLE, type ChatContext, type Tone } from "./chat-facts";
import { truncate } from "./chat-text";

export const ADAPTIVE_CARD_VERSION = "1.4";
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
const TITLE_LIMIT = 300;
const FACT_VALUE_LIMIT = 1000;

const TONE_COLOR: Record<Tone, string> = { good: "Good", warning: "Warning", danger: "Attention", info: "Accent" };

export type TeamsMessage = {
  type: "message";
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: Record<string, unknown> }[];
};

export function buildTeamsMessage(event: HarborEvent, ctx: ChatContext): TeamsMessage {
  const f = chatFacts(event, ctx);
  const card: Record<string, unknown> = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: ADAPTIVE_CARD_VERSION,
    msteams: { width: "Full" },
    body: [
      {
        type: "TextBlock",
        text: truncate(f.title, TITLE_LIMIT),
        weight: "Bolder",
        size: "Medium",
        color: TONE_COLOR[f.tone],
        wrap: true,
      },
      { type: "TextBlock", text: truncate(f.subtitle, TITLE_LIMIT), isSubtle: true, spacing: "None", wrap: true },
      {
        type: "FactSet",
        facts: f.facts.map((fact) => ({ title: fact.label, value: truncate(fact.value, FACT_VALUE_LIMIT) })),
      },
    ],
  };
  if (f.link) card.actions = [{ type: "Action.OpenUrl", title: LINK_TITLE, url: f.link }];
  return {
    type: "message",
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}
