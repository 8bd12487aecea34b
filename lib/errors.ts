/** Stable error codes and their HTTP statuses: the one table every API answer is built from. */
export const ERROR_STATUS = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  destination_not_found: 404,
  validation_error: 400,
  invalid_json: 400,
  invalid_url: 400,
  url_not_reachable: 400,
  invalid_cursor: 400,
  invalid_template: 400,
  /** an operational event type (webhook.*) chosen for a project's webhook: instance-wide webhooks only */
  operational_event_type: 400,
  invalid_header_name: 400,
  invalid_header_value: 400,
  metadata_too_large: 400,
  over_destination_limit: 403,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  webhooks_disabled: 409,
  idempotency_key_reused: 422,
  internal_error: 500,
  /** a server this one depends on (the LDAP directory) did not answer */
  directory_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error whose message is safe to show to the caller. Anything else is answered as a generic 500. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const forbidden = (message = "you do not have permission to do this") => new AppError("forbidden", message);
export const unauthorized = (message = "authentication required") => new AppError("unauthorized", message);
export const invalid = (field: string, message: string) => new AppError("validation_error", message, field);

type ZodIssueLike = {
  code?: string;
  path: PropertyKey[];
  message: string;
  keys?: readonly string[];
  params?: Record<string, unknown>;
};

/** A custom issue may name its own stable code (`params: { code }`), one of ERROR_STATUS's 400s. */
function issueCode(issue: ZodIssueLike): ErrorCode {
  const code = issue.params?.code;
  return typeof code === "string" && Object.hasOwn(ERROR_STATUS, code) && ERROR_STATUS[code as ErrorCode] === 400
    ? (code as ErrorCode)
    : "validation_error";
}

/**
 * The one converter from zod issues to our error: the first issue, naming its field. An unknown
 * key (a strict schema's `unrecognized_keys`) is named itself, so a typo such as `retry_polcy`
 * is reported by name. `rootField` names an issue about the whole value (the /v1 API says "body";
 * Harbor's error shape has no field).
 */
export function fromZodError(error: { issues: readonly ZodIssueLike[] }, opts: { rootField?: string } = {}): AppError {
  const issue = error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys?.length) {
    const field = [...path, issue.keys[0]].join(".");
    return new AppError("validation_error", `${field}: unknown field`, field);
  }
  const field = path.join(".") || opts.rootField;
  return new AppError(issueCode(issue), field ? `${field}: ${issue.message}` : issue.message, field);
}
