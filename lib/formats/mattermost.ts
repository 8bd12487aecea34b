/**
 * Mattermost (an incoming webhook): Markdown text plus a Slack-style attachment with fields.
 * Mattermost renders Markdown in the text and in field values, and notifies on @channel, @all and
 * @name: event text is escaped and its mentions neutralised. Mattermost cuts posts at 16,383
 * characters; values are kept far below that.
 */
import type { HarborEvent } from "@/lib/shared/events";
import { chatFacts, LINK_TITLE, type ChatContext, type Tone } from "./chat-facts";
import { escapeMarkdown, fitEscaped, neutraliseMentions, truncate } from "./chat-text";

export const MATTERMOST_TEXT_LIMIT = 4000;
const VALUE_LIMIT = 1000;
const SHORT_VALUE = 40;

const TONE_COLOR: Record<Tone, string> = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a", info: "#1d9bd1" };

export type MattermostMessage = {
  text: string;
  attachments: {
    fallback: string;
    color: string;
    title: string;
    title_link?: string;
    fields: { short: boolean; title: string; value: string }[];
  }[];
};

const markdownLiteral = (text: string) => neutraliseMentions(escapeMarkdown(text));

/** Event text as literal Markdown, within `max` characters. */
function literal(text: string, max: number): string {
  return fitEscaped(text, max, markdownLiteral);
}

export function buildMattermostMessage(event: HarborEvent, ctx: ChatContext): MattermostMessage {
  const f = chatFacts(event, ctx);
  const heading = `#### ${literal(f.title, 500)}`;
  const text = f.link ? `${heading}\n[${LINK_TITLE}](${f.link})` : heading;
  return {
    text: truncate(text, MATTERMOST_TEXT_LIMIT),
    attachments: [
      {
        // fallback and title are shown as plain text (notifications, clients without attachments).
        fallback: neutraliseMentions(truncate(`${f.title} (${f.subtitle})`, 1000)),
        color: TONE_COLOR[f.tone],
        title: neutraliseMentions(truncate(f.title, 500)),
        ...(f.link ? { title_link: f.link } : {}),
        fields: f.facts.map((fact) => ({
          short: fact.value.length <= SHORT_VALUE,
          title: fact.label,
          value: literal(fact.value, VALUE_LIMIT),
        })),
      },
    ],
  };
}
