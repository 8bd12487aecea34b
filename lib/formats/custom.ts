/**
 * The Custom payload format: a Liquid template (liquidjs) per target, rendered with the Default
 * payload's fields plus the project, the policy, links into our UI and the chat summary of the
 * event. Templates are untrusted input: the engine has no file system and no include, render or
 * layout tags, unknown filters are errors, and parse size, render time and allocations are capped,
 * so a runaway template fails fast instead of stalling the worker.
 */
import { Liquid, Tag, type Template, type TagToken, type TopLevelToken } from "liquidjs";
import type { AnyEventType, HarborEvent } from "@/lib/shared/events";
import {
  DEFAULT_CONTENT_TYPE,
  isJsonContentType,
  templateTooLargeMessage,
  TEMPLATE_MAX_BYTES,
  utf8Length,
} from "@/lib/shared/payload-template";
import { chatFacts, executionLink, type ChatContext, type Tone } from "./chat-facts";
import { escapeMarkdown, neutraliseMentions } from "./chat-text";

/** Wall-clock time one render may take (liquidjs checks it between tags and outputs). */
export const RENDER_LIMIT_MS = 100;
/** liquidjs's allocation budget (ranges, joins, appends…): a few thousand times what real templates use. */
export const MEMORY_LIMIT = 1_000_000;
/** The largest body a template may produce. */
export const OUTPUT_MAX_BYTES = 256 * 1024;

/** A template that cannot be parsed or rendered; line and column point into the template. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly eventType?: AnyEventType,
  ) {
    super(message);
    this.name = "TemplateError";
  }
  /** "line 3, column 7: undefined filter: nope" */
  get detail(): string {
    const at = this.line !== undefined ? `line ${this.line}, column ${this.column ?? 1}: ` : "";
    return `${at}${this.message}`;
  }
}

// The engine never reads files: every lookup fails, whatever a tag asks for.
const NO_FILES = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error("payload templates cannot read files");
  },
  readFileSync: () => {
    throw new Error("payload templates cannot read files");
  },
  resolve: (_dir: string, file: string) => file,
  contains: async () => false,
  sep: "/",
};

const REFUSED_TAGS = ["include", "render", "layout"] as const;

/** include, render and layout would read other templates: refused when the template is parsed. */
class RefusedTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new Error(`the ${token.name} tag is not available in payload templates`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

const TONE_COLORS: Record<Tone, string> = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a", info: "#1d9bd1" };

function createEngine(): Liquid {
  const engine = new Liquid({
    fs: NO_FILES,
    root: [],
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: TEMPLATE_MAX_BYTES,
    renderLimit: RENDER_LIMIT_MS,
    memoryLimit: MEMORY_LIMIT,
    timezoneOffset: 0,
  });
  for (const name of REFUSED_TAGS) engine.registerTag(name, RefusedTag);
  // JSON.stringify(undefined) is undefined, which would leave a hole in the JSON: a missing value is null.
  engine.registerFilter(
    "json",
    (value: unknown, space?: number) => JSON.stringify(value ?? null, null, space) ?? "null",
  );
  // Text inside a JSON string literal: "Pushed {{ name | json_escape }}".
  engine.registerFilter("json_escape", (value: unknown) => JSON.stringify(String(value ?? "")).slice(1, -1));
  // Event text shown by tools that read Markdown (Mattermost, Discord, Rocket.Chat), without notifying anyone.
  engine.registerFilter("markdown_escape", (value: unknown) => neutraliseMentions(escapeMarkdown(String(value ?? ""))));
  return engine;
}

let engine: Liquid | undefined;
const liquid = () => (engine ??= createEngine());

type Positioned = { token?: { getPosition?: () => [number, number] } };

/** liquidjs's error as ours: its message without the ", line:1, col:2" it appends, the position kept. */
function toTemplateError(err: unknown, eventType?: AnyEventType): TemplateError {
  if (err instanceof TemplateError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const position = (err as Positioned)?.token?.getPosition?.();
  const text = message.replace(/, line:\d+, col:\d+$/, "").replace(/^[A-Za-z]+Error: /, "");
  return new TemplateError(text, position?.[0], position?.[1], eventType);
}

// Parsed templates by source: the worker renders the same few templates for every event.
const parsed = new Map<string, Template[]>();
const PARSED_CACHE_SIZE = 200;

/** Parses a template, or throws TemplateError (too large, bad syntax, unknown filter, refused tag). */
export function parseTemplate(source: string): Template[] {
  const hit = parsed.get(source);
  if (hit) return hit;
  if (utf8Length(source) > TEMPLATE_MAX_BYTES) throw new TemplateError(templateTooLargeMessage);
  let templates: Template[];
  try {
    templates = liquid().parse(source);
  } catch (err) {
    throw toTemplateError(err);
  }
  if (parsed.size >= PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  parsed.set(source, templates);
  return templates;
}

export type TemplateContextInput = ChatContext & {
  project: { id: number; name: string };
  policy: { id: number; name: string };
};

/** What a template sees: the Default payload's fields, then ours. */
export function templateContext(event: HarborEvent, ctx: TemplateContextInput) {
  const summary = chatFacts(event, ctx);
  const execution = ctx.executionId !== undefined ? executionLink(ctx) : undefined;
  const policy = executionLink({ ...ctx, executionId: undefined });
  return {
    type: event.type,
    occur_at: event.occur_at,
    operator: event.operator,
    event_data: event.event_data,
    project: ctx.project,
    policy: ctx.policy,
    links: { ...(execution ? { execution } : {}), ...(policy ? { policy } : {}) },
    summary: { ...summary, color: TONE_COLORS[summary.tone] },
  };
}

export type CustomTemplate = { template: string; contentType?: string | null };

/**
 * The body a Custom target receives, or a TemplateError: the template failed, produced too much,
 * or its JSON content type was not matched by JSON.
 */
export function renderCustomPayload(
  target: CustomTemplate,
  event: HarborEvent,
  ctx: TemplateContextInput,
): { body: string; contentType: string } {
  const contentType = target.contentType || DEFAULT_CONTENT_TYPE;
  const templates = parseTemplate(target.template);
  let body: string;
  try {
    body = String(liquid().renderSync(templates, templateContext(event, ctx)));
  } catch (err) {
    throw toTemplateError(err, event.type);
  }
  if (utf8Length(body) > OUTPUT_MAX_BYTES)
    throw new TemplateError(`renders more than ${OUTPUT_MAX_BYTES / 1024} KiB`, undefined, undefined, event.type);
  if (isJsonContentType(contentType)) {
    try {
      JSON.parse(body);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new TemplateError(
        `renders text that is not JSON, which ${contentType} promises (${why})`,
        undefined,
        undefined,
        event.type,
      );
    }
  }
  return { body, contentType };
}

/** The context the save-time check and the preview render samples with. */
export const SAMPLE_CONTEXT: TemplateContextInput = {
  project: { id: 1, name: "harbor" },
  policy: { id: 1, name: "example" },
  projectId: 1,
  policyId: 1,
  executionId: 1,
  externalUrl: "https://harbor-notifier.example.com",
};

/** The save-time check: the template must render (and be JSON where declared) for each of `events`. */
export function checkTemplate(
  target: CustomTemplate,
  events: readonly HarborEvent[],
  ctx: TemplateContextInput = SAMPLE_CONTEXT,
): TemplateError | null {
  try {
    for (const event of events) renderCustomPayload(target, event, ctx);
    return null;
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
}

/** A TemplateError as one sentence for an API answer or the task log. */
export function templateErrorText(err: TemplateError): string {
  return `${err.detail}${err.eventType ? ` (with the ${err.eventType} sample event)` : ""}`;
}
