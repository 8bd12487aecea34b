/**
 * Google Chat (a space's incoming webhook): a text fallback plus a card (cardsV2). Card text is
 * Google Chat's HTML subset, so event text is HTML-escaped there; in the plain text fallback
 * `<users/all>` would mention everyone, so its angle brackets are replaced by look-alikes.
 */
import type { HarborEvent } from "@/lib/shared/events";
import { chatFacts, LINK_TITLE, type ChatContext } from "./chat-facts";
import { fitEscaped, truncate } from "./chat-text";

export const GOOGLE_CHAT_CARD_ID = "harbor-event";
// Google Chat refuses a message text over 4,096 characters; card texts are kept well below that too.
export const GOOGLE_CHAT_TEXT_LIMIT = 4096;
const HEADER_LIMIT = 300;
const VALUE_LIMIT = 1000;

export type GoogleChatWidget =
  | { decoratedText: { topLabel: string; text: string; wrapText: true } }
  | { buttonList: { buttons: { text: string; onClick: { openLink: { url: string } } }[] } };

export type GoogleChatMessage = {
  text: string;
  cardsV2: {
    cardId: string;
    card: { header: { title: string; subtitle: string }; sections: { widgets: GoogleChatWidget[] }[] };
  }[];
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function plainText(text: string): string {
  return text.replace(/</g, "\u2039").replace(/>/g, "\u203a");
}

export function buildGoogleChatMessage(event: HarborEvent, ctx: ChatContext): GoogleChatMessage {
  const f = chatFacts(event, ctx);
  const widgets: GoogleChatWidget[] = f.facts.map((fact) => ({
    decoratedText: { topLabel: fact.label, text: fitEscaped(fact.value, VALUE_LIMIT, escapeHtml), wrapText: true },
  }));
  if (f.link) widgets.push({ buttonList: { buttons: [{ text: LINK_TITLE, onClick: { openLink: { url: f.link } } }] } });
  return {
    text: truncate(plainText(f.title), GOOGLE_CHAT_TEXT_LIMIT),
    cardsV2: [
      {
        cardId: GOOGLE_CHAT_CARD_ID,
        card: {
          // Header title and subtitle are plain text.
          header: { title: truncate(f.title, HEADER_LIMIT), subtitle: truncate(f.subtitle, HEADER_LIMIT) },
          sections: [{ widgets }],
        },
      },
    ],
  };
}
