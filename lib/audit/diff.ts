import { maskSecretUrl } from "@/lib/shared/policy-input";

/**
 * What an audit entry keeps of a policy: its plain fields, target addresses masked as maintainers
 * read them (a Slack URL is a credential), and encrypted secrets only as "set" or not. Comparing
 * two views gives a diff that can be shown to anyone who reads the audit log.
 */
type PolicyLike = {
  name: string;
  description: string;
  enabled: boolean;
  eventTypes: string;
  repoPattern: string | null;
  tagPattern: string | null;
  projectPattern?: string | null;
  conditions?: string | null;
  maxAttempts: number | null;
  targets: TargetLike[];
};
type TargetLike = {
  type: string;
  address: string;
  authHeaderEnc: string | null;
  customHeadersEnc?: string | null;
  skipCertVerify: boolean;
  payloadFormat: string;
};

export type Diff = Record<string, { from: unknown; to: unknown }>;

/** The secret columns, compared by ciphertext: a new value shows as "replaced", never as itself. */
function secretChange(before: string | null | undefined, after: string | null | undefined) {
  if (!before && !after) return undefined;
  if (!before) return { from: null, to: "set" };
  if (!after) return { from: "set", to: null };
  return before === after ? undefined : { from: "set", to: "replaced" };
}

function plainView(p: PolicyLike): Record<string, unknown> {
  return {
    name: p.name,
    description: p.description,
    enabled: p.enabled,
    event_types: p.eventTypes,
    repository_pattern: p.repoPattern,
    tag_pattern: p.tagPattern,
    project_pattern: p.projectPattern ?? null,
    conditions: p.conditions ?? null,
    max_attempts: p.maxAttempts,
  };
}

function targetView(t: TargetLike): Record<string, unknown> {
  return {
    type: t.type,
    address: maskSecretUrl(t.address),
    skip_cert_verify: t.skipCertVerify,
    payload_format: t.payloadFormat,
  };
}

function plainDiff(into: Diff, prefix: string, before: Record<string, unknown>, after: Record<string, unknown>) {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) into[`${prefix}${key}`] = { from, to };
  }
}

/** The fields of a policy an update changed, with no secret value in it. */
export function policyDiff(before: PolicyLike, after: PolicyLike): Diff {
  const diff: Diff = {};
  plainDiff(diff, "", plainView(before), plainView(after));
  const count = Math.max(before.targets.length, after.targets.length);
  for (let i = 0; i < count; i++) {
    const b = before.targets[i];
    const a = after.targets[i];
    plainDiff(diff, `targets.${i}.`, b ? targetView(b) : {}, a ? targetView(a) : {});
    const auth = secretChange(b?.authHeaderEnc, a?.authHeaderEnc);
    if (auth) diff[`targets.${i}.auth_header`] = auth;
    const headers = secretChange(b?.customHeadersEnc, a?.customHeadersEnc);
    if (headers) diff[`targets.${i}.custom_headers`] = headers;
  }
  return diff;
}
