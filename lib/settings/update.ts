import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { SystemAccess } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { parseAllowList } from "@/lib/settings/allow-list";
import { logger } from "@/lib/log/logger";
import { atLeastChars, atMostChars, enter, numberIn, TRUE_OR_FALSE } from "@/lib/shared/input-rules";

const REGISTRY_TOKEN_MIN = 16;

export const settingsInputSchema = z.object({
  webhooksEnabled: z.boolean(TRUE_OR_FALSE),
  maxAttempts: numberIn(1, 20, { coerce: true }),
  httpTimeoutSeconds: numberIn(0.5, 60, { coerce: true, whole: false, unit: "seconds" }),
  allowedNetworks: z.string(enter("the networks as text")).max(4000, atMostChars(4000)).default(""),
  retentionCount: numberIn(10, 1_000_000, { coerce: true }),
  retentionDays: numberIn(1, 3650, { coerce: true, unit: "days" }),
  destinationLimit: numberIn(1, 100_000, { coerce: true }),
  signingOverlapHours: numberIn(0, 24 * 30, { coerce: true, unit: "hours" }),
  /** empty = keep the stored token; "-" = remove it */
  registryToken: z.string(enter("the token as text")).max(256, atMostChars(256)).optional(),
});
export type SettingsInput = z.infer<typeof settingsInputSchema>;

export async function updateSettings({ actor }: SystemAccess, input: SettingsInput) {
  const allow = parseAllowList(input.allowedNetworks);
  if (!allow.ok) throw new AppError("validation_error", `allowedNetworks: ${allow.message}`, "allowedNetworks");
  if (input.registryToken && input.registryToken !== "-" && input.registryToken.length < REGISTRY_TOKEN_MIN) {
    throw new AppError(
      "validation_error",
      `registryToken: ${atLeastChars(REGISTRY_TOKEN_MIN)} Leave the field empty to keep the current token.`,
      "registryToken",
    );
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
