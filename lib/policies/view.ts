import { targetHealthJson } from "@/lib/shared/target-health";
import { maskSecretUrl, SECRET_MASK } from "@/lib/shared/policy-input";
import { parseStoredConditions } from "@/lib/shared/conditions";
import { policyEventTypes, type PolicyWithTargets } from "@/lib/policies/service";
import { maskedCustomHeaders } from "@/lib/delivery/custom-headers";
import { DEFAULT_CONTENT_TYPE } from "@/lib/shared/payload-template";

/**
 * A policy in Harbor's JSON shape (snake_case), plus our extensions. The auth header is masked
 * for those who may see that one is set, and empty for everyone else (maintainers), who also get
 * Slack-style secret URLs masked (maskSecretUrl). Custom headers are named with masked values for
 * the same readers, and left out for the others; a Custom target shows its template and content type.
 */
export function toHarborPolicy(policy: PolicyWithTargets, opts: { showSecretsMasked: boolean }) {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    // Harbor's id of no project: an instance-wide policy (its project_pattern says which projects).
    project_id: policy.projectId ?? 0,
    ...(policy.projectId === null ? { project_pattern: policy.projectPattern ?? "" } : {}),
    targets: policy.targets.map((t) => ({
      type: t.type,
      address: opts.showSecretsMasked ? t.address : maskSecretUrl(t.address),
      auth_header: opts.showSecretsMasked && t.authHeaderEnc ? SECRET_MASK : "",
      skip_cert_verify: t.skipCertVerify,
      payload_format: t.type === "http" || t.payloadFormat === "Custom" ? t.payloadFormat : "",
      ...(t.payloadFormat === "Custom"
        ? { payload_template: t.payloadTemplate ?? "", content_type: t.contentType || DEFAULT_CONTENT_TYPE }
        : {}),
      ...(opts.showSecretsMasked && t.customHeadersEnc
        ? { custom_headers: maskedCustomHeaders(t.customHeadersEnc) }
        : {}),
      status: t.status,
      ...(t.pausedReason ? { paused_reason: t.pausedReason } : {}),
      health: targetHealthJson(t),
    })),
    event_types: policyEventTypes(policy),
    creator: policy.creator,
    creation_time: policy.createdAt.toISOString(),
    update_time: policy.updatedAt.toISOString(),
    enabled: policy.enabled,
    repository_pattern: policy.repoPattern ?? "",
    tag_pattern: policy.tagPattern ?? "",
    conditions: parseStoredConditions(policy.conditions) ?? {},
    grouping_window_seconds: policy.groupingWindowSeconds ?? null,
    retry_policy: {
      ...(policy.maxAttempts != null ? { max_attempts: policy.maxAttempts } : {}),
      ...(policy.backoffBaseMs != null ? { backoff_base_ms: policy.backoffBaseMs } : {}),
      ...(policy.backoffCapMs != null ? { backoff_cap_ms: policy.backoffCapMs } : {}),
      ...(policy.timeoutMs != null ? { timeout_ms: policy.timeoutMs } : {}),
    },
  };
}
export type HarborPolicy = ReturnType<typeof toHarborPolicy>;
