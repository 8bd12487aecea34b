/**
 * The Custom payload format's rules that the browser checks too: sizes, the content type, and which
 * extra request headers an http target may carry. The template itself is checked by the server
 * (lib/formats/custom.ts), which renders it against every sample event.
 */
import { z } from "zod";
import { atMostChars } from "@/lib/shared/input-rules";

/** A template's size limit, in UTF-8 bytes. */
export const TEMPLATE_MAX_BYTES = 16 * 1024;
export const DEFAULT_CONTENT_TYPE = "application/json";
export const MAX_CUSTOM_HEADERS = 20;
export const HEADER_VALUE_MAX = 4096;

export const templateTooLargeMessage = `Keep the template within ${TEMPLATE_MAX_BYTES / 1024} KiB (${TEMPLATE_MAX_BYTES} bytes of UTF-8).`;

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

// RFC 7231 media type: type "/" subtype *( OWS ";" OWS parameter ); tokens per RFC 7230.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\r\\n]*"))*$`);
const HEADER_NAME = new RegExp(`^${TOKEN}$`);

/** application/json and every +json type: the rendered body must then be JSON. */
export function isJsonContentType(contentType: string): boolean {
  const essence = contentType.split(";")[0].trim().toLowerCase();
  return essence === "application/json" || essence.endsWith("+json");
}

export const contentTypeSchema = z
  .string("Enter the content type as text, such as application/json.")
  .trim()
  .max(255, atMostChars(255))
  .refine(
    (v) => v === "" || MEDIA_TYPE.test(v),
    "Enter a media type such as application/json or text/plain; charset=utf-8.",
  );

export const payloadTemplateSchema = z
  .string("Send the template as text.")
  .refine((v) => utf8Length(v) <= TEMPLATE_MAX_BYTES, templateTooLargeMessage);

/**
 * Headers a custom header cannot set: what the delivery sets itself (the body's type and length,
 * the Standard Webhooks signature, the auth header, the host) and the hop-by-hop headers, which
 * belong to a connection and not to the request.
 */
const RESERVED_HEADERS = new Set([
  "content-type",
  "content-length",
  "authorization",
  "host",
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Why a header name cannot be a custom header, or null when it can. */
export function headerNameProblem(name: string): string | null {
  if (!HEADER_NAME.test(name))
    return `"${name.slice(0, 64)}" is not a header name: use letters, digits and ! # $ % & ' * + - . ^ _ \` | ~ only.`;
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-"))
    return `${name} is set by the delivery itself and cannot be a custom header${lower === "authorization" ? ": use the auth header" : ""}.`;
  return null;
}

/** Why a header value cannot be sent, or null when it can (the mask stands for a stored value). */
export function headerValueProblem(value: string): string | null {
  if (/[\r\n\0]/.test(value)) return "Put the header value on one line, without line breaks.";
  if (value.length > HEADER_VALUE_MAX) return atMostChars(HEADER_VALUE_MAX);
  // HTTP header values are visible ASCII, spaces and tabs (obs-text aside, which receivers read differently).
  if (!/^[\t\x20-\x7e]*$/.test(value) && value !== "••••••••")
    return "Use printable ASCII characters in a header value (encode anything else, such as with percent-encoding).";
  return null;
}

/** Stable codes of refused custom headers: the APIs answer them, the form shows their messages. */
export const HEADER_NAME_CODE = "invalid_header_name";
export const HEADER_VALUE_CODE = "invalid_header_value";

export const customHeadersSchema = z
  .record(
    z.string(),
    z.string("Send each header value as text."),
    "Send the custom headers as an object of name → value.",
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_CUSTOM_HEADERS) {
      ctx.addIssue({
        code: "custom",
        message: `Use at most ${MAX_CUSTOM_HEADERS} custom headers.`,
        params: { code: HEADER_NAME_CODE },
      });
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const nameProblem =
        headerNameProblem(name) ??
        (seen.has(name.toLowerCase()) ? `${name} is given twice: give each header once.` : null);
      seen.add(name.toLowerCase());
      if (nameProblem) {
        ctx.addIssue({ code: "custom", message: nameProblem, params: { code: HEADER_NAME_CODE } });
        return;
      }
      const valueProblem = headerValueProblem(headers[name]);
      if (valueProblem) {
        ctx.addIssue({ code: "custom", message: `${name}: ${valueProblem}`, params: { code: HEADER_VALUE_CODE } });
        return;
      }
    }
  });
