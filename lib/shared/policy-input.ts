/**
 * The one webhook policy input (Harbor's snake_case JSON), used by the Harbor API, the server actions and
 * the policy form alike. Browser-safe: the form validates with it before the server validates again.
 */
import { z } from "zod";
import { NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import {
  ALL_EVENT_TYPES,
  EVENT_TYPES,
  NOTIFY_TYPES,
  OPERATIONAL_EVENT_TYPES,
  PAYLOAD_FORMATS,
} from "@/lib/shared/events";
import { conditionsSchema } from "@/lib/shared/conditions";
import { globProblem } from "@/lib/shared/glob";
import { isMailto, parseMailto } from "@/lib/shared/mailto";
import { atMostChars, enter, requiredText, TRUE_OR_FALSE, visibleName } from "@/lib/shared/input-rules";
import { retryPolicySchema } from "@/lib/shared/retry-policy";
import {
  contentTypeSchema,
  customHeadersSchema,
  DEFAULT_CONTENT_TYPE,
  MAX_CUSTOM_HEADERS,
  payloadTemplateSchema,
  TEMPLATE_MAX_BYTES,
} from "@/lib/shared/payload-template";

/** What a masked secret looks like in answers; sending it back means "keep the stored value". */
export const SECRET_MASK = "••••••••";

/** Message for `https://user:pass@host/`: credentials belong in a header, where they are kept encrypted. */
export const URL_CREDENTIALS_MESSAGE =
  "Leave the user name and password (user:password@) out of the URL; put them in the auth header, which is sent as the Authorization header and stored encrypted.";

function parsedUrl(v: string): URL | null {
  try {
    return new URL(v);
  } catch {
    return null;
  }
}

const WEBHOOK_URL_MESSAGE = "Enter a URL that starts with http:// or https://, such as https://ci.example.com/hook.";

/** A mailto: address given to a target of another type. */
const webhookUrlMessage = (type: string) =>
  `${WEBHOOK_URL_MESSAGE} For email, choose the Email type${type === "http" ? "" : " instead"}.`;

export const webhookUrlSchema = requiredText("the URL", 2048).superRefine((v, ctx) => {
  const u = parsedUrl(v);
  if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || u.hostname === "") {
    ctx.addIssue({ code: "custom", message: WEBHOOK_URL_MESSAGE });
  } else if (u.username || u.password) {
    ctx.addIssue({ code: "custom", message: URL_CREDENTIALS_MESSAGE });
  }
});

/**
 * Hosts of chat tools whose incoming-webhook URLs are their own secret: whoever reads one can post
 * to the channel. Slack and Discord carry it in the last path segment
 * (https://hooks.slack.com/services/T…/B…/secret, https://discord.com/api/webhooks/id/token),
 * Google Chat and Teams Workflows in the query (key and token, sig). A leading dot matches subdomains.
 */
const SECRET_URL_HOSTS = [
  "hooks.slack.com",
  "discord.com",
  "discordapp.com",
  "chat.googleapis.com",
  ".logic.azure.com",
  ".api.powerplatform.com",
];

function isSecretHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return SECRET_URL_HOSTS.some((h) => (h.startsWith(".") ? host.endsWith(h) : host === h));
}

export function isSecretUrl(address: string): boolean {
  const u = parsedUrl(address);
  return !!u && isSecretHost(u.hostname) && u.pathname.split("/").filter(Boolean).length > 1;
}

/**
 * The address as shown to those who see no secrets: the secret path segment (the last one) is
 * replaced by SECRET_MASK and any query dropped. Stable, so sending it back keeps the stored URL.
 */
export function maskSecretUrl(address: string): string {
  if (!isSecretUrl(address)) return address;
  const u = new URL(address);
  const segments = u.pathname.split("/").filter(Boolean);
  segments[segments.length - 1] = SECRET_MASK;
  return `${u.protocol}//${u.host}/${segments.join("/")}`;
}

/**
 * The origin (scheme, host and port) of an address, or null for one that is not a URL. Stored
 * secrets that are sent to the host (the auth header) stay with their origin: an address moved to
 * another origin drops them unless new ones are given.
 */
export function urlOrigin(address: string): string | null {
  const u = parsedUrl(address.trim());
  return u && (u.protocol === "http:" || u.protocol === "https:") ? u.origin : null;
}

/** Whether two addresses share an origin; a path change keeps it, a scheme, host or port change does not. */
export function sameOrigin(a: string, b: string): boolean {
  const origin = urlOrigin(a);
  return origin !== null && origin === urlOrigin(b);
}

/**
 * What is wrong with a target's address for its type (null: nothing): a mailto: URI for email
 * targets, an http(s) URL for the others. Judged with the type, so each type's message fits it.
 */
function addressProblem(type: string, address: string): string | null {
  if (type === "email") {
    const mailto = parseMailto(address);
    return mailto.ok ? null : mailto.message;
  }
  if (isMailto(address)) return webhookUrlMessage(type);
  const url = webhookUrlSchema.safeParse(address);
  return url.success ? null : url.error.issues[0].message;
}

const headerValue = z
  .string(enter("the header as text"))
  .max(4096, atMostChars(4096))
  .refine((v) => !/[\r\n\0]/.test(v), "Put the header on one line, without line breaks.");

export const targetInputSchema = z
  .object(
    {
      type: z
        .enum(NOTIFY_TYPES, `Choose one of ${NOTIFY_TYPES.join(", ")}.`)
        .describe(
          "http: a POST of Harbor's payload (Default, CloudEvents or Custom). slack, teams (a Teams Workflows webhook), googlechat, mattermost, discord: that tool's incoming-webhook message, rendered for it (no auth header, not signed); teams, googlechat, mattermost and discord may use a Custom template instead (payload format Custom). email: a mail (plain text and HTML) through the SMTP server of the system settings; the address is a mailto: URI with up to 20 recipients.",
        ),
      address: requiredText("the URL", 2048).describe(
        "The URL deliveries are POSTed to (email targets: mailto:ops@example.com,dev@example.com). A Slack URL read back masked (its last path segment) keeps the stored URL when sent back for a target of the same type.",
      ),
      auth_header: headerValue
        .optional()
        .nullable()
        .describe(
          `Sent as the Authorization header (http targets). Write-only: reads show "${SECRET_MASK}". Sending that mask back (or, in the Harbor API's PUT, leaving the field out) keeps the stored header only while the address stays on the same origin (scheme, host and port); an address moved to another origin drops it unless a new one is given. "" or null removes it.`,
        ),
      skip_cert_verify: z.boolean(TRUE_OR_FALSE).default(false),
      payload_format: z
        .enum([...PAYLOAD_FORMATS, ""], "Choose Default, CloudEvents or Custom.")
        .optional()
        .nullable(),
      payload_template: payloadTemplateSchema
        .optional()
        .nullable()
        .describe(
          `Custom payload format: a Liquid template (at most ${TEMPLATE_MAX_BYTES} bytes) rendered for each event with type, occur_at, operator, event_data, project {id, name}, policy {id, name}, links {execution, policy} (with EXTERNAL_URL) and summary {title, subtitle, tone, color, time, facts [{label, value}]}. Filters: Liquid's standard ones plus json (any value as JSON), json_escape (text inside a JSON string) and markdown_escape. No include, render or layout. Checked on save against the sample event of every type; a template that fails is refused with code INVALID_TEMPLATE and its line and column. Left out on a PUT: the stored template is kept.`,
        ),
      content_type: contentTypeSchema
        .optional()
        .nullable()
        .describe(
          `Custom payload format: the Content-Type sent (default ${DEFAULT_CONTENT_TYPE}). With application/json or a +json type, the rendered body must be JSON. Left out on a PUT: the stored one is kept.`,
        ),
      custom_headers: customHeadersSchema
        .optional()
        .nullable()
        .describe(
          `http targets: up to ${MAX_CUSTOM_HEADERS} extra request headers, name → value. Names are HTTP tokens and cannot be Content-Type, Content-Length, Authorization, Host, webhook-* or hop-by-hop headers (code INVALID_HEADER_NAME); values are one line of printable ASCII (code INVALID_HEADER_VALUE). Values are write-only and stored encrypted: reads show "${SECRET_MASK}", and sending it back keeps the stored value while the address keeps its origin. Left out on a PUT: the stored headers are kept; {} or null removes them.`,
        ),
    },
    "Send each target as an object with a type and an address.",
  )
  .superRefine((t, ctx) => {
    const problem = addressProblem(t.type, t.address);
    if (problem) ctx.addIssue({ code: "custom", path: ["address"], message: problem });
    if (t.payload_format === "Custom" && (t.payload_template === "" || t.payload_template === null)) {
      ctx.addIssue({
        code: "custom",
        path: ["payload_template"],
        message: "Enter a payload template for the Custom payload format, or start from a preset.",
        params: { code: "invalid_template" },
      });
    }
    if (t.type === "http") return;
    if (t.custom_headers && Object.keys(t.custom_headers).length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["custom_headers"],
        message: `${NOTIFY_TYPE_LABELS[t.type]} targets take no custom headers: leave them empty.`,
        params: { code: "invalid_header_name" },
      });
    }
    if (t.type === "slack" && t.payload_format === "Custom") {
      ctx.addIssue({
        code: "custom",
        path: ["payload_format"],
        message: "Slack targets always get the Slack message: use a Custom template with an http target instead.",
      });
    }
    if (t.type === "email" && t.payload_format === "Custom") {
      ctx.addIssue({
        code: "custom",
        path: ["payload_format"],
        message: "Email targets always get the notification mail: use a Custom template with an http target instead.",
      });
    }
    // Chat tools get their own message, unsigned and without an auth header (their URL is the secret).
    const tool = NOTIFY_TYPE_LABELS[t.type];
    if (t.payload_format === "CloudEvents") {
      ctx.addIssue({
        code: "custom",
        path: ["payload_format"],
        message: `${tool} targets always get the ${tool} message: leave the payload format empty or Default.`,
      });
    }
    if (t.auth_header && t.auth_header !== SECRET_MASK) {
      ctx.addIssue({
        code: "custom",
        path: ["auth_header"],
        message: `${tool} targets take no auth header: leave it empty.`,
      });
    }
  });

const globPattern = z
  .string(enter("the pattern as text"))
  .trim()
  .max(256, atMostChars(256))
  .superRefine((p, ctx) => {
    // "" means no filter (Harbor clients send the "" they read back).
    const problem = p === "" ? null : globProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((v) => (v === "" ? null : v))
  .nullable()
  .optional()
  .describe(
    "A glob: * (within a path segment), ** (a whole segment: any number of segments), ?, [abc], [a-z], [!a-z], {a,b}, \\ before a literal character. Empty or null: no filter.",
  );

export const POLICY_NAME_MAX = 256;
export const GROUPING_WINDOW_MIN = 1;
export const GROUPING_WINDOW_MAX = 60;

/**
 * Policy names are unique within a project (and among the instance-wide webhooks): said by the
 * service, and by the form as the name is typed.
 */
export const policyNameTakenMessage = (name: string, instanceWide = false) =>
  `A webhook named "${name}" already exists ${instanceWide ? "among the instance-wide webhooks" : "in this project"}. Choose another name.`;

const EVENT_TYPE_CHOICES = `Choose from ${EVENT_TYPES.join(", ")} (instance-wide webhooks also ${OPERATIONAL_EVENT_TYPES.join(", ")}).`;

/** Operational event types are for instance-wide webhooks only: the message a project's webhook gets. */
export const operationalEventTypeMessage = (type: string) =>
  `${type} is an operational event type: only instance-wide webhooks (Instance-wide webhooks, system admins) receive operational events.`;

/**
 * The one policy input: Harbor's JSON field names, plus our filters and retry override. Operational
 * event types pass here; the service refuses them for a project's webhook (it knows the scope).
 */
export const policyInputSchema = z.object({
  name: visibleName(requiredText("a name", POLICY_NAME_MAX)),
  description: z
    .string(enter("the description as text"))
    .max(1024, atMostChars(1024))
    .nullish()
    .transform((v) => v ?? ""),
  enabled: z.boolean(TRUE_OR_FALSE).default(true),
  event_types: z
    .array(z.enum(ALL_EVENT_TYPES, EVENT_TYPE_CHOICES), "Send the event types as a list.")
    .min(1, "Choose at least one event type.")
    .transform((v) => [...new Set(v)]),
  targets: z
    .array(targetInputSchema, "Send the targets as a list.")
    .min(1, "Add at least one target.")
    .max(10, "Use at most 10 targets."),
  repository_pattern: globPattern,
  tag_pattern: globPattern,
  project_pattern: globPattern.describe(
    "Instance-wide policies only (a project's policy ignores it): a glob on the project name, for projects that exist now and those created later. Empty or null: every project.",
  ),
  retry_policy: retryPolicySchema.nullish(),
  // Left out (a Harbor client that does not know it): the stored conditions stay; null clears them.
  conditions: conditionsSchema.nullish(),
  // Left out: the stored window stays; null turns grouping off.
  grouping_window_seconds: z
    .number("Enter the grouping window as a whole number of seconds.")
    .int("Enter the grouping window as a whole number of seconds.")
    .min(GROUPING_WINDOW_MIN, `Use a grouping window of ${GROUPING_WINDOW_MIN} to ${GROUPING_WINDOW_MAX} seconds.`)
    .max(GROUPING_WINDOW_MAX, `Use a grouping window of ${GROUPING_WINDOW_MIN} to ${GROUPING_WINDOW_MAX} seconds.`)
    .nullish()
    .describe(
      "Seconds (1-60) during which events of one type and repository are collected into one delivery whose event_data.resources lists them all, sent when the window closes; exact duplicates are sent once. Null: one delivery per event, as Harbor. Left out: unchanged.",
    ),
});

export type PolicyInput = z.infer<typeof policyInputSchema>;
export type TargetInput = z.infer<typeof targetInputSchema>;
