import type { IncomingWebhookSendArguments } from "@slack/webhook";
import type { HarborEvent } from "@/lib/shared/events";
import { unixSecondsToRfc3339 } from "./cloudevents";

type SlackBlock = NonNullable<IncomingWebhookSendArguments["blocks"]>[number];

// Slack's documented limits; a message beyond them is rejected (invalid_blocks).
export const SLACK_SECTION_TEXT_LIMIT = 3000;
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_TEXT_LIMIT = 40_000;
// Beyond ~30k characters a channel message stops being readable; the complete
// payload is in the webhook history.
export const SLACK_MAX_CODE_BLOCKS = 10;

export const SLACK_TITLE = "Harbor webhook events";

const FENCE_OPEN = "```\n";
const FENCE_CLOSE = "\n```";
const OPERATOR_LIMIT = 1000;

/** Slack requires &, < and > to be escaped in message text (they delimit links and mentions). */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escaped text cut (on a character boundary, never inside an entity) to at most `limit` characters. */
function escapeWithin(text: string, limit: number): string {
  const escaped = escapeSlackText(text);
  if (escaped.length <= limit) return escaped;
  let out = "";
  for (const char of text) {
    const piece = escapeSlackText(char);
    if (out.length + piece.length > limit - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/** `<!date^…>` token: Slack shows the reader's local time, the fallback is UTC. */
export function slackDateToken(unixSeconds: number): string {
  return `<!date^${unixSeconds}^{date_short_pretty} at {time}|${unixSecondsToRfc3339(unixSeconds)}>`;
}

/**
 * Splits text into pieces whose escaped form fits `budget`, preferring to break
 * after a newline (the newline itself is dropped, so pieces joined with "\n"
 * give the text back when no line is longer than the budget). Stops after
 * `maxPieces`; `omitted` counts the characters left out.
 */
export function splitForCodeBlocks(
  text: string,
  budget: number,
  maxPieces: number,
): { pieces: string[]; omitted: number } {
  const pieces: string[] = [];
  let pos = 0;
  let shownEnd = 0; // end of the shown text: a dropped line break is not shown
  while (pos < text.length && pieces.length < maxPieces) {
    let end = pos;
    let size = 0;
    let afterLastNewline = -1;
    while (end < text.length) {
      const char = String.fromCodePoint(text.codePointAt(end)!);
      const cost = escapeSlackText(char).length;
      if (size + cost > budget) break;
      size += cost;
      end += char.length;
      if (char === "\n") afterLastNewline = end;
    }
    if (end === pos) break; // budget smaller than one escaped character
    if (end < text.length && afterLastNewline > pos) end = afterLastNewline;
    const piece = text.slice(pos, end).replace(/\n$/, "");
    pieces.push(piece);
    shownEnd = pos + piece.length;
    pos = end;
  }
  return { pieces, omitted: pos < text.length ? text.length - shownEnd : 0 };
}

function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

/** Harbor's Slack message as Block Kit, always within Slack's limits. */
export function buildSlackMessage(event: HarborEvent): IncomingWebhookSendArguments {
  const operator = escapeWithin(event.operator, OPERATOR_LIMIT);
  const summary = [
    `event_type: ${event.type}`,
    `occur_at: ${slackDateToken(event.occur_at)}`,
    `operator: ${operator}`,
    "event_data:",
  ].join("\n");

  const json = JSON.stringify(event.event_data, null, 4);
  const codeBudget = SLACK_SECTION_TEXT_LIMIT - FENCE_OPEN.length - FENCE_CLOSE.length;
  // header + summary (+ truncation note) must leave room for the code blocks.
  const maxCodeBlocks = Math.min(SLACK_MAX_CODE_BLOCKS, SLACK_MAX_BLOCKS - 3);
  const { pieces, omitted } = splitForCodeBlocks(json, codeBudget, maxCodeBlocks);

  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: SLACK_TITLE } },
    section(summary),
    ...pieces.map((piece) => section(`${FENCE_OPEN}${escapeSlackText(piece)}${FENCE_CLOSE}`)),
  ];
  if (omitted > 0) {
    blocks.push(section(`(truncated: ${omitted} more characters; see the webhook history)`));
  }

  const fallback = `${SLACK_TITLE}: ${event.type}${event.operator ? ` by ${event.operator}` : ""} at ${unixSecondsToRfc3339(event.occur_at)}`;
  return { text: escapeWithin(fallback, SLACK_TEXT_LIMIT), blocks };
}
