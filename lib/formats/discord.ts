/**
 * Discord (a channel webhook): one embed, within Discord's documented limits (a message beyond them
 * is refused with 400). Embed text is Markdown: event text is escaped, and `allowed_mentions` with
 * nothing to parse keeps @everyone, @here and user or role mentions from notifying anyone.
 */
import type { HarborEvent } from "@/lib/shared/events";
import { chatFacts, LINK_TITLE, type ChatContext, type Tone } from "./chat-facts";
import { escapeMarkdown, fitEscaped } from "./chat-text";

export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** title, description, field names and values, footer and author name together */
  embedTotal: 6000,
} as const;

export const DISCORD_FOOTER = "Harbor Notifier";
const DESCRIPTION_BUDGET = 1200;
const INLINE_VALUE = 40;
// A field shorter than this says nothing useful: it and those after it are left out instead.
const MIN_FIELD_VALUE = 16;

const TONE_COLOR: Record<Tone, number> = { good: 0x2eb67d, warning: 0xecb22e, danger: 0xe01e5a, info: 0x1d9bd1 };

export type DiscordEmbed = {
  title: string;
  url?: string;
  description: string;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp: string;
  color: number;
  footer: { text: string };
};

export type DiscordMessage = {
  content?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: never[] };
};

const md = (text: string, max: number) => fitEscaped(text, max, escapeMarkdown);

/** The characters Discord counts towards an embed's 6,000. */
export function discordEmbedLength(embed: DiscordEmbed): number {
  return (
    embed.title.length +
    embed.description.length +
    embed.footer.text.length +
    embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

export function buildDiscordMessage(event: HarborEvent, ctx: ChatContext): DiscordMessage {
  const f = chatFacts(event, ctx);
  const title = md(f.title, DISCORD_LIMITS.title);
  const subtitle = md(f.subtitle, DESCRIPTION_BUDGET);
  const description = f.link ? `${subtitle}\n[${LINK_TITLE}](${f.link})` : subtitle;
  const footer = DISCORD_FOOTER;

  // Fields fill what the embed total leaves, in order; the first that no longer fits ends the list.
  let room = DISCORD_LIMITS.embedTotal - title.length - description.length - footer.length;
  const fields: DiscordEmbed["fields"] = [];
  for (const fact of f.facts.slice(0, DISCORD_LIMITS.fields)) {
    const name = md(fact.label, DISCORD_LIMITS.fieldName);
    const valueRoom = Math.min(DISCORD_LIMITS.fieldValue, room - name.length);
    if (valueRoom < MIN_FIELD_VALUE) break;
    const value = md(fact.value, valueRoom);
    if (value === "") break;
    fields.push({ name, value, inline: fact.value.length <= INLINE_VALUE });
    room -= name.length + value.length;
  }

  return {
    embeds: [
      {
        title,
        ...(f.link ? { url: f.link } : {}),
        description,
        fields,
        timestamp: f.time,
        color: TONE_COLOR[f.tone],
        footer: { text: footer },
      },
    ],
    allowed_mentions: { parse: [] },
  };
}
