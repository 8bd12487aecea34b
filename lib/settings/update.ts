import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { SystemAccess } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { parseAllowList } from "@/lib/settings/allow-list";
import { logger } from "@/lib/log/logger";

export const settingsInputSchema = z.object({
  webhooksEnabled: z.boolean(),
  maxAttempts: z.coerce.number().int().min(1, "must be at least 1").max(20, "must be at most 20"),
  httpTimeoutSeconds: z.coerce.number().min(0.5, "must be at least 0.5").max(60, "must be at most 60"),
  allowedNetworks: z.string().max(4000).default(""),
  retentionCount: z.coerce.number().int().min(10, "must be at least 10").max(1_000_000),
  retentionDays: z.coerce.number().int().min(1, "must be at least 1").max(3650),
  destinationLimit: z.coerce.number().int().min(1).max(100_000),
  signingOverlapHours: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 30),
  /** empty = keep the stored token; "-" = remove it */
  registryToken: z.string().max(256).optional(),
});
export type SettingsInput = z.infer<typeof settingsInputSchema>;

export async function updateSettings({ actor }: SystemAccess, input: SettingsInput) {
  const allow = parseAllowList(input.allowedNetworks);
  if (!allow.ok) throw new AppError("validation_error", `allowedNetworks: ${allow.message}`, "allowedNetworks");
  if (input.registryToken && input.registryToken !== "-" && input.registryToken.length < 16) {
    throw new AppError("validation_error", "registryToken: use at least 16 characters", "registryToken");
  }
  const db = await getDb();
  const changed = await db.$transaction(async (tx) => {
    const before = await tx.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
    const after = await tx.systemSettings.update({
      where: { id: 1 },
      data: {
        webhooksEnabled: input.webhooksEnabled,
        maxAttempts: input.maxAttempts,
        httpTimeoutMs: Math.round(input.httpTimeoutSeconds * 1000),
        allowedNetworks: allow.list.join(", "),
        retentionCount: input.retentionCount,
        retentionDays: input.retentionDays,
        destinationLimit: input.destinationLimit,
        signingOverlapHours: input.signingOverlapHours,
        ...(input.registryToken === "-"
          ? { registryTokenEnc: null }
          : input.registryToken
            ? { registryTokenEnc: encryptSecret(input.registryToken) }
            : {}),
      },
    });
    await recordAudit(tx, actor, "settings.update", {
      type: "settings",
      id: 1,
      detail: `webhooksEnabled=${input.webhooksEnabled}`,
    });
    return changedFields(before, after, input.registryToken);
  });
  // The operator's log: which settings changed, and new values of the plain ones; the token by name only.
  logger.info({ by: actor.username, ...changed }, "system settings changed");
}

const PLAIN_FIELDS = [
  "webhooksEnabled",
  "maxAttempts",
  "httpTimeoutMs",
  "allowedNetworks",
  "retentionCount",
  "retentionDays",
  "destinationLimit",
  "signingOverlapHours",
] as const;

function changedFields(
  before: Record<(typeof PLAIN_FIELDS)[number], unknown>,
  after: Record<(typeof PLAIN_FIELDS)[number], unknown>,
  registryToken: string | undefined,
) {
  const values: Record<string, unknown> = {};
  for (const f of PLAIN_FIELDS) if (before[f] !== after[f]) values[f] = after[f];
  const fields = Object.keys(values);
  const tokenChange = registryToken === "-" ? "removed" : registryToken ? "replaced" : undefined;
  if (tokenChange) fields.push("registryToken");
  return { fields, values, ...(tokenChange ? { registryTokenChange: tokenChange } : {}) };
}
