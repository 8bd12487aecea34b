/**
 * The add/edit policy form's state, and its mapping to and from the one policy input
 * (`policyInputSchema`, Harbor's snake_case fields). Pure and browser-safe: the form validates with
 * the same schema before it calls the server action, which validates again.
 */
import type { Conditions, SeverityLevel } from "@/lib/shared/conditions";
import { numberRangeMessage } from "@/lib/shared/input-rules";
import { retryPolicySchema } from "@/lib/shared/retry-policy";
import { DEFAULT_CONTENT_TYPE } from "@/lib/shared/payload-template";
import {
  EVENT_TYPES,
  isAnyEventType,
  isChatType,
  NOTIFY_TYPES,
  type AnyEventType,
  type NotifyType,
  type PayloadFormat,
} from "@/lib/shared/events";
import { policyInputSchema, sameOrigin, SECRET_MASK, urlOrigin, type PolicyInput } from "@/lib/shared/policy-input";

/** What happens to the stored auth header on save. New policies, and policies without one, use "replace". */
export type AuthHeaderAction = "keep" | "replace" | "remove";

export type PolicyFormValues = {
  name: string;
  description: string;
  enabled: boolean;
  notifyType: NotifyType;
  payloadFormat: PayloadFormat;
  /** the Custom format's Liquid template and Content-Type */
  payloadTemplate: string;
  contentType: string;
  /** an http target's extra headers; a stored value is SECRET_MASK until replaced */
  customHeaders: { name: string; value: string }[];
  /** whether custom headers are stored (edit only): then an emptied list removes them */
  customHeadersStored: boolean;
  eventTypes: AnyEventType[];
  address: string;
  /** whether an auth header is stored (edit only); its value is never sent to the browser */
  authHeaderStored: boolean;
  authHeaderAction: AuthHeaderAction;
  authHeader: string;
  /** "Verify remote certificate" = !skip_cert_verify; on by default */
  verifyCert: boolean;
  repositoryPattern: string;
  tagPattern: string;
  /** an instance-wide webhook's projects: a glob on the project name; "" = every project */
  projectPattern: string;
  /** seconds events of one type and repository are collected into one delivery; "" = off */
  groupingWindow: string;
  /** retry override; "" = system default. Seconds in the form, milliseconds in the API. */
  maxAttempts: string;
  backoffSeconds: string;
  timeoutSeconds: string;
  /** the maximum retry delay, settable through the API only; kept as it is */
  backoffCapMs?: number;
  /** content conditions (lib/shared/conditions.ts); "" = not set; patterns one per line */
  scanMinSeverity: SeverityLevel | "";
  scanFixableOver: string;
  replicationResult: "failed" | "succeeded" | "";
  operatorMode: "include" | "exclude";
  operatorPatterns: string;
  artifactMode: "include" | "exclude";
  artifactPatterns: string;
};

/** The form's inputs that can carry an error, by the id of their element. */
export const FORM_FIELD_IDS = {
  name: "policy-name",
  description: "policy-description",
  projectPattern: "policy-project-pattern",
  notifyType: "policy-notify-type",
  payloadFormat: "policy-payload-format",
  payloadTemplate: "policy-payload-template",
  contentType: "policy-content-type",
  customHeaders: "policy-custom-headers",
  eventTypes: "policy-event-types",
  address: "policy-address",
  authHeader: "policy-auth-header",
  verifyCert: "policy-verify-cert",
  repositoryPattern: "policy-repository-pattern",
  tagPattern: "policy-tag-pattern",
  groupingWindow: "policy-grouping-window",
  maxAttempts: "policy-max-attempts",
  backoffSeconds: "policy-backoff",
  timeoutSeconds: "policy-timeout",
  scanMinSeverity: "policy-scan-severity",
  scanFixableOver: "policy-scan-fixable",
  replicationResult: "policy-replication-result",
  operatorPatterns: "policy-operator-patterns",
  artifactPatterns: "policy-artifact-patterns",
} as const;
export type FormField = keyof typeof FORM_FIELD_IDS;
export type FormErrors = Partial<Record<FormField, string>> & { form?: string };

export function emptyPolicyForm(): PolicyFormValues {
  return {
    name: "",
    description: "",
    enabled: true,
    notifyType: "http",
    payloadFormat: "Default",
    payloadTemplate: "",
    contentType: DEFAULT_CONTENT_TYPE,
    customHeaders: [],
    customHeadersStored: false,
    eventTypes: [...EVENT_TYPES],
    address: "",
    authHeaderStored: false,
    authHeaderAction: "replace",
    authHeader: "",
    verifyCert: true,
    repositoryPattern: "",
    tagPattern: "",
    projectPattern: "",
    groupingWindow: "",
    maxAttempts: "",
    backoffSeconds: "",
    timeoutSeconds: "",
    ...conditionsToFormValues(undefined),
  };
}

type ConditionValues = Pick<
  PolicyFormValues,
  | "scanMinSeverity"
  | "scanFixableOver"
  | "replicationResult"
  | "operatorMode"
  | "operatorPatterns"
  | "artifactMode"
  | "artifactPatterns"
>;

function conditionsToFormValues(c: Conditions | undefined): ConditionValues {
  return {
    scanMinSeverity: c?.scan?.min_severity ?? "",
    scanFixableOver: c?.scan?.fixable_over == null ? "" : String(c.scan.fixable_over),
    replicationResult: c?.replication?.result ?? "",
    operatorMode: c?.operators?.mode ?? "exclude",
    operatorPatterns: (c?.operators?.patterns ?? []).join("\n"),
    artifactMode: c?.artifacts?.mode ?? "exclude",
    artifactPatterns: (c?.artifacts?.patterns ?? []).join("\n"),
  };
}

/** Patterns typed one per line; blank lines do not count. */
const patternLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** The conditions input the form's fields stand for (null: none). */
export function formConditions(values: PolicyFormValues): unknown {
  const fixable = optionalNumber(values.scanFixableOver);
  const operators = patternLines(values.operatorPatterns);
  const artifacts = patternLines(values.artifactPatterns);
  const c = {
    scan:
      values.scanMinSeverity || fixable !== undefined
        ? { min_severity: values.scanMinSeverity || null, fixable_over: fixable ?? null }
        : undefined,
    replication: values.replicationResult ? { result: values.replicationResult } : undefined,
    operators: operators.length > 0 ? { mode: values.operatorMode, patterns: operators } : undefined,
    artifacts: artifacts.length > 0 ? { mode: values.artifactMode, patterns: artifacts } : undefined,
  };
  const set = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
  return Object.keys(set).length > 0 ? set : null;
}

/** A policy as `toHarborPolicy` shows it (auth header masked or empty). */
export type PolicyForForm = {
  name: string;
  description: string;
  enabled: boolean;
  event_types: string[];
  targets: {
    type: string;
    address: string;
    auth_header: string;
    skip_cert_verify: boolean;
    payload_format: string;
    payload_template?: string;
    content_type?: string;
    custom_headers?: Record<string, string>;
  }[];
  repository_pattern: string;
  tag_pattern: string;
  project_pattern?: string;
  retry_policy: { max_attempts?: number; backoff_base_ms?: number; backoff_cap_ms?: number; timeout_ms?: number };
  conditions?: Conditions;
  grouping_window_seconds?: number | null;
};

const msToSeconds = (ms: number | undefined) => (ms === undefined ? "" : String(ms / 1000));

export function policyToFormValues(policy: PolicyForForm): PolicyFormValues {
  const t = policy.targets[0];
  const stored = !!t && t.auth_header === SECRET_MASK;
  return {
    name: policy.name,
    description: policy.description,
    enabled: policy.enabled,
    notifyType: NOTIFY_TYPES.find((type) => type === t?.type) ?? "http",
    payloadFormat: t?.payload_format === "CloudEvents" || t?.payload_format === "Custom" ? t.payload_format : "Default",
    payloadTemplate: t?.payload_template ?? "",
    contentType: t?.content_type || DEFAULT_CONTENT_TYPE,
    customHeaders: Object.keys(t?.custom_headers ?? {}).map((name) => ({ name, value: SECRET_MASK })),
    customHeadersStored: Object.keys(t?.custom_headers ?? {}).length > 0,
    eventTypes: policy.event_types.filter(isAnyEventType),
    address: t?.address ?? "",
    authHeaderStored: stored,
    authHeaderAction: stored ? "keep" : "replace",
    authHeader: "",
    verifyCert: t ? !t.skip_cert_verify : true,
    repositoryPattern: policy.repository_pattern,
    tagPattern: policy.tag_pattern,
    projectPattern: policy.project_pattern ?? "",
    groupingWindow: policy.grouping_window_seconds == null ? "" : String(policy.grouping_window_seconds),
    maxAttempts: policy.retry_policy.max_attempts === undefined ? "" : String(policy.retry_policy.max_attempts),
    backoffSeconds: msToSeconds(policy.retry_policy.backoff_base_ms),
    timeoutSeconds: msToSeconds(policy.retry_policy.timeout_ms),
    backoffCapMs: policy.retry_policy.backoff_cap_ms,
    ...conditionsToFormValues(policy.conditions),
  };
}

/**
 * Whether an edit moves the address to another origin (once the new address is a URL): the stored
 * auth header is then dropped on save unless a new one is given (the policy service's rule).
 */
export function movesOrigin(savedAddress: string, address: string): boolean {
  return savedAddress !== "" && urlOrigin(address) !== null && !sameOrigin(savedAddress, address);
}

/** "" → undefined; anything else a number (NaN when it is not one, which the schema refuses). */
function optionalNumber(text: string, scale = 1): number | undefined {
  const v = text.trim();
  if (v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.round(n * scale) : Number.NaN;
}

/**
 * The policy input the form stands for. The form edits the first target; further targets (set
 * through the API) are passed through unchanged, their auth headers as SECRET_MASK so they are kept
 * (and their templates and custom headers left out, which keeps them too).
 */
export function formToPolicyInput(values: PolicyFormValues, extraTargets: PolicyForForm["targets"] = []): unknown {
  const http = values.notifyType === "http";
  let authHeader: string | null = null;
  if (http) {
    if (values.authHeaderStored && values.authHeaderAction === "keep") authHeader = SECRET_MASK;
    else if (values.authHeaderAction !== "remove" && values.authHeader.trim() !== "")
      authHeader = values.authHeader.trim();
  }
  const custom = values.payloadFormat === "Custom" && (http || isChatType(values.notifyType));
  const retry = {
    max_attempts: optionalNumber(values.maxAttempts),
    backoff_base_ms: optionalNumber(values.backoffSeconds, 1000),
    timeout_ms: optionalNumber(values.timeoutSeconds, 1000),
    backoff_cap_ms: values.backoffCapMs,
  };
  const retryPolicy = Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined));
  return {
    name: values.name,
    description: values.description,
    enabled: values.enabled,
    event_types: values.eventTypes,
    targets: [
      {
        type: values.notifyType,
        address: values.address,
        auth_header: authHeader,
        skip_cert_verify: http ? !values.verifyCert : false,
        payload_format: http || custom ? values.payloadFormat : null,
        // Left out (undefined) when they do not apply, as a Harbor client leaves them out.
        payload_template: custom ? values.payloadTemplate : undefined,
        content_type: custom ? values.contentType.trim() : undefined,
        custom_headers:
          http && (values.customHeaders.length > 0 || values.customHeadersStored)
            ? Object.fromEntries(
                values.customHeaders
                  .filter((h) => h.name.trim() !== "" || h.value !== "")
                  .map((h) => [h.name.trim(), h.value]),
              )
            : undefined,
      },
      ...extraTargets.map((t) => ({
        type: t.type,
        address: t.address,
        auth_header: t.auth_header === SECRET_MASK ? SECRET_MASK : null,
        skip_cert_verify: t.skip_cert_verify,
        payload_format: t.type === "http" ? t.payload_format || "Default" : t.payload_format || null,
      })),
    ],
    repository_pattern: values.repositoryPattern,
    tag_pattern: values.tagPattern,
    // A project's own policy ignores it (the field is shown for instance-wide webhooks only).
    project_pattern: values.projectPattern,
    retry_policy: Object.keys(retryPolicy).length > 0 ? retryPolicy : null,
    conditions: formConditions(values),
    // Not rounded: 1.5 is refused by the schema rather than sent as 2.
    grouping_window_seconds: values.groupingWindow.trim() === "" ? null : Number(values.groupingWindow.trim()),
  };
}

/** The form field an input path (`targets.0.address`, `retry_policy.timeout_ms`) belongs to. */
export function fieldForPath(path: string | undefined): FormField | undefined {
  if (!path) return undefined;
  const parts = path.split(".");
  switch (parts[0]) {
    case "name":
      return "name";
    case "description":
      return "description";
    case "event_types":
      return "eventTypes";
    case "repository_pattern":
      return "repositoryPattern";
    case "tag_pattern":
      return "tagPattern";
    case "project_pattern":
      return "projectPattern";
    case "grouping_window_seconds":
      return "groupingWindow";
    case "conditions":
      if (parts[1] === "scan") return parts[2] === "fixable_over" ? "scanFixableOver" : "scanMinSeverity";
      if (parts[1] === "replication") return "replicationResult";
      if (parts[1] === "operators") return "operatorPatterns";
      if (parts[1] === "artifacts") return "artifactPatterns";
      return undefined;
    case "retry_policy":
      return parts[1] === "max_attempts"
        ? "maxAttempts"
        : parts[1] === "timeout_ms"
          ? "timeoutSeconds"
          : "backoffSeconds";
    case "targets": {
      // Only the first target has inputs; an error in another one is shown for the form.
      if (parts.length < 3) return "address";
      if (parts[1] !== "0") return undefined;
      const key = parts[2];
      if (key === "type") return "notifyType";
      if (key === "auth_header") return "authHeader";
      if (key === "payload_format") return "payloadFormat";
      if (key === "payload_template") return "payloadTemplate";
      if (key === "content_type") return "contentType";
      if (key === "custom_headers") return "customHeaders";
      if (key === "skip_cert_verify") return "verifyCert";
      return "address";
    }
    default:
      return undefined;
  }
}

type NumberBounds = { minValue: number | null; maxValue: number | null };
/** The retry override's limits, read from retryPolicySchema so the form never disagrees with it. */
export function retryBounds(key: "max_attempts" | "backoff_base_ms" | "timeout_ms"): { min: number; max: number } {
  const field = (retryPolicySchema as unknown as { shape: Record<string, { unwrap(): NumberBounds }> }).shape[
    key
  ].unwrap();
  return { min: field.minValue ?? 0, max: field.maxValue ?? Number.MAX_SAFE_INTEGER };
}

const SYSTEM_DEFAULT = "leave it empty for the system default";

/** The retry fields are in seconds in the form, while the schema's messages speak milliseconds. */
const RETRY_MESSAGES: Record<string, () => string> = {
  "retry_policy.max_attempts": () => {
    const b = retryBounds("max_attempts");
    return numberRangeMessage(b.min, b.max, { orElse: SYSTEM_DEFAULT });
  },
  "retry_policy.backoff_base_ms": () => {
    const b = retryBounds("backoff_base_ms");
    return numberRangeMessage(b.min / 1000, b.max / 1000, { whole: false, unit: "seconds", orElse: SYSTEM_DEFAULT });
  },
  "retry_policy.timeout_ms": () => {
    const b = retryBounds("timeout_ms");
    return numberRangeMessage(b.min / 1000, b.max / 1000, { whole: false, unit: "seconds", orElse: SYSTEM_DEFAULT });
  },
  "retry_policy.backoff_cap_ms": () =>
    "Use a first retry delay no longer than the maximum delay set for this webhook through the API.",
};
/** An error message for its field (the retry fields speak seconds here). */
export function messageForField(path: string | undefined, message: string): string {
  return path && RETRY_MESSAGES[path] ? RETRY_MESSAGES[path]() : message;
}

/** Where an error outside the form's fields is: a further target ("targets.1.address") by its number. */
function formPlace(path: string): string {
  const target = /^targets\.(\d+)\./.exec(path);
  return target ? `Target ${Number(target[1]) + 1} (set through the API)` : path;
}

/** Adds one error (path + message) to a set of form errors; the first error of a field wins. */
export function addError(errors: FormErrors, path: string | undefined, message: string): FormErrors {
  const field = fieldForPath(path);
  const text = messageForField(path, message);
  if (field) {
    if (!errors[field]) errors[field] = text;
  } else if (!errors.form) {
    errors.form = path ? `${formPlace(path)}: ${text}` : text;
  }
  return errors;
}

/** Validates the form with the shared schema: the input to send, or every field's error. */
export function validatePolicyForm(
  values: PolicyFormValues,
  extraTargets?: PolicyForForm["targets"],
): { ok: true; input: PolicyInput } | { ok: false; errors: FormErrors } {
  const parsed = policyInputSchema.safeParse(formToPolicyInput(values, extraTargets));
  if (parsed.success) return { ok: true, input: parsed.data };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) addError(errors, issue.path.map(String).join("."), issue.message);
  return { ok: false, errors };
}
