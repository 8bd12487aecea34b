/**
 * The one webhook policy input (Harbor's snake_case JSON), used by the Harbor API, the server actions and
 * the policy form alike. Browser-safe: the form validates with it before the server validates again.
 */
import picomatch from "picomatch";
import { z } from "zod";
import { EVENT_TYPES, NOTIFY_TYPES, PAYLOAD_FORMATS } from "@/lib/shared/events";
import { retryPolicySchema } from "@/lib/shared/retry-policy";

/** What a masked secret looks like in answers; sending it back means "keep the stored value". */
export const SECRET_MASK = "••••••••";

/** Message for `https://user:pass@host/`: credentials belong in a header, where they are kept encrypted. */
export const URL_CREDENTIALS_MESSAGE =
  "must not contain credentials (user:password@); put them in the auth header, sent as the Authorization header and stored encrypted";

function parsedUrl(v: string): URL | null {
  try {
    return new URL(v);
  } catch {
    return null;
  }
}

export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2048, "must be at most 2048 characters")
  .superRefine((v, ctx) => {
    const u = parsedUrl(v);
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || u.hostname === "") {
      ctx.addIssue({ code: "custom", message: "must be an http:// or https:// URL" });
    } else if (u.username || u.password) {
      ctx.addIssue({ code: "custom", message: URL_CREDENTIALS_MESSAGE });
    }
  });

const SECRET_URL_HOSTS = ["hooks.slack.com"];

/**
 * Slack-style incoming-webhook URLs carry their secret in the path
 * (https://hooks.slack.com/services/T…/B…/secret): whoever reads one can post to the channel.
 */
export function isSecretUrl(address: string): boolean {
  const u = parsedUrl(address);
  return !!u && SECRET_URL_HOSTS.includes(u.hostname.toLowerCase()) && u.pathname.split("/").filter(Boolean).length > 1;
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

const headerValue = z
  .string()
  .max(4096, "must be at most 4096 characters")
  .refine((v) => !/[\r\n\0]/.test(v), "must not contain line breaks");

export const targetInputSchema = z
  .object({
    type: z.enum(NOTIFY_TYPES, "must be http or slack"),
    address: webhookUrlSchema.describe(
      "The URL deliveries are POSTed to. A Slack URL read back masked (its last path segment) keeps the stored URL when sent back for a target of the same type.",
    ),
    auth_header: headerValue
      .optional()
      .nullable()
      .describe(
        `Sent as the Authorization header (http targets). Write-only: reads show "${SECRET_MASK}". Sending that mask back (or, in the Harbor API's PUT, leaving the field out) keeps the stored header only while the address stays on the same origin (scheme, host and port); an address moved to another origin drops it unless a new one is given. "" or null removes it.`,
      ),
    skip_cert_verify: z.boolean().default(false),
    payload_format: z
      .enum([...PAYLOAD_FORMATS, ""], "must be Default or CloudEvents")
      .optional()
      .nullable(),
  })
  .superRefine((t, ctx) => {
    if (t.type === "slack" && t.payload_format === "CloudEvents") {
      ctx.addIssue({
        code: "custom",
        path: ["payload_format"],
        message: "applies to http targets only; Slack targets always get the Slack message",
      });
    }
    if (t.type === "slack" && t.auth_header && t.auth_header !== SECRET_MASK) {
      ctx.addIssue({ code: "custom", path: ["auth_header"], message: "applies to http targets only" });
    }
  });

const globPattern = z
  .string()
  .trim()
  .max(256, "must be at most 256 characters")
  .refine((p) => {
    // "" means no filter (Harbor clients send the "" they read back); picomatch refuses it.
    if (p === "") return true;
    try {
      picomatch.makeRe(p);
      return true;
    } catch {
      return false;
    }
  }, "is not a valid pattern")
  .transform((v) => (v === "" ? null : v))
  .nullable()
  .optional();

export const POLICY_NAME_MAX = 256;

/** The one policy input: Harbor's JSON field names, plus our filters and retry override. */
export const policyInputSchema = z.object({
  name: z.string().trim().min(1, "is required").max(POLICY_NAME_MAX, `must be at most ${POLICY_NAME_MAX} characters`),
  description: z
    .string()
    .max(1024, "must be at most 1024 characters")
    .nullish()
    .transform((v) => v ?? ""),
  enabled: z.boolean().default(true),
  event_types: z
    .array(z.enum(EVENT_TYPES, `must be one of ${EVENT_TYPES.join(", ")}`), "must be a list of event types")
    .min(1, "choose at least one event type")
    .transform((v) => [...new Set(v)]),
  targets: z
    .array(targetInputSchema, "must be a list of targets")
    .min(1, "add at least one target")
    .max(10, "at most 10 targets"),
  repository_pattern: globPattern,
  tag_pattern: globPattern,
  retry_policy: retryPolicySchema.nullish(),
});

export type PolicyInput = z.infer<typeof policyInputSchema>;
export type TargetInput = z.infer<typeof targetInputSchema>;
