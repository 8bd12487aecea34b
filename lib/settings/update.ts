import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { SystemAccess } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { parseAllowList } from "@/lib/settings/allow-list";
import { SMTP_TLS_MODES } from "@/lib/shared/smtp";
import { isEmailAddress } from "@/lib/shared/mailto";
import { logger } from "@/lib/log/logger";
import { atLeastChars, atMostChars, enter, numberIn, TRUE_OR_FALSE } from "@/lib/shared/input-rules";

const REGISTRY_TOKEN_MIN = 16;

/** One line of text: a value with a line break could end an SMTP command early. */
const oneLineText = (what: string, max: number) =>
  z
    .string(enter(what))
    .trim()
    .max(max, atMostChars(max))
    .refine((v) => !/[\r\n\0]/.test(v), "Put it on one line, without line breaks.");

/**
 * The SMTP server of email targets. Every field is optional: a form without this section keeps
 * what is stored. The password is write-only: empty keeps it, "-" removes it.
 */
const smtpFields = {
  smtpHost: oneLineText("the SMTP host as text", 253)
    .refine(
      (v) => v === "" || /^[A-Za-z0-9.:[\]-]+$/.test(v),
      "Enter a host name or IP address, such as smtp.example.com.",
    )
    .optional(),
  smtpPort: numberIn(1, 65535, { coerce: true }).optional(),
  smtpTlsMode: z.enum(SMTP_TLS_MODES, `Choose one of ${SMTP_TLS_MODES.join(", ")}.`).optional(),
  smtpUser: oneLineText("the SMTP user as text", 256).optional(),
  smtpPassword: z
    .string(enter("the SMTP password as text"))
    .max(512, atMostChars(512))
    .refine((v) => !/[\r\n\0]/.test(v), "Put it on one line, without line breaks.")
    .optional(),
  smtpFrom: oneLineText("the From address as text", 254)
    .refine((v) => v === "" || isEmailAddress(v), "Enter an email address such as harbor@example.com.")
    .optional(),
};

export const settingsInputSchema = z.object({
  webhooksEnabled: z.boolean(TRUE_OR_FALSE),
  maxAttempts: numberIn(1, 20, { coerce: true }),
  httpTimeoutSeconds: numberIn(0.5, 60, { coerce: true, whole: false, unit: "seconds" }),
  allowedNetworks: z.string(enter("the networks as text")).max(4000, atMostChars(4000)).default(""),
  retentionCount: numberIn(10, 1_000_000, { coerce: true }),
  retentionDays: numberIn(1, 3650, { coerce: true, unit: "days" }),
  /** left out: the stored value stays */
  auditRetentionDays: numberIn(1, 36500, { coerce: true, unit: "days" }).optional(),
  destinationLimit: numberIn(1, 100_000, { coerce: true }),
  signingOverlapHours: numberIn(0, 24 * 30, { coerce: true, unit: "hours" }),
  /** empty = keep the stored token; "-" = remove it */
  registryToken: z.string(enter("the token as text")).max(256, atMostChars(256)).optional(),
  ...smtpFields,
});
export type SettingsInput = z.infer<typeof settingsInputSchema>;

export const testEmailInputSchema = z.object({
  to: z
    .string(enter("the address as text"))
    .trim()
    .refine((v) => isEmailAddress(v), "Enter an email address such as you@example.com."),
});

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
        ...(input.auditRetentionDays !== undefined ? { auditRetentionDays: input.auditRetentionDays } : {}),
        destinationLimit: input.destinationLimit,
        signingOverlapHours: input.signingOverlapHours,
        ...(input.registryToken === "-"
          ? { registryTokenEnc: null }
          : input.registryToken
            ? { registryTokenEnc: encryptSecret(input.registryToken) }
            : {}),
        ...(input.smtpHost !== undefined ? { smtpHost: input.smtpHost.replace(/^\[|\]$/g, "") } : {}),
        ...(input.smtpPort !== undefined ? { smtpPort: input.smtpPort } : {}),
        ...(input.smtpTlsMode !== undefined ? { smtpTlsMode: input.smtpTlsMode } : {}),
        ...(input.smtpUser !== undefined ? { smtpUser: input.smtpUser } : {}),
        ...(input.smtpFrom !== undefined ? { smtpFrom: input.smtpFrom } : {}),
        ...(input.smtpPassword === "-"
          ? { smtpPasswordEnc: null }
          : input.smtpPassword
            ? { smtpPasswordEnc: encryptSecret(input.smtpPassword) }
            : {}),
      },
    });
    const changed = changedFields(before, after, input.registryToken, input.smtpPassword);
    // The diff names secrets as changed, never their values.
    await recordAudit(tx, actor, "settings.update", { type: "settings", id: 1, detail: JSON.stringify(changed) });
    return changed;
  });
  // The operator's log: which settings changed, and new values of the plain ones; secrets by name only.
  logger.info({ by: actor.username, ...changed }, "system settings changed");
}

const PLAIN_FIELDS = [
  "webhooksEnabled",
  "maxAttempts",
  "httpTimeoutMs",
  "allowedNetworks",
  "retentionCount",
  "retentionDays",
  "auditRetentionDays",
  "destinationLimit",
  "signingOverlapHours",
  "smtpHost",
  "smtpPort",
  "smtpTlsMode",
  "smtpUser",
  "smtpFrom",
] as const;

function changedFields(
  before: Record<(typeof PLAIN_FIELDS)[number], unknown>,
  after: Record<(typeof PLAIN_FIELDS)[number], unknown>,
  registryToken: string | undefined,
  smtpPassword: string | undefined,
) {
  const values: Record<string, unknown> = {};
  for (const f of PLAIN_FIELDS) if (before[f] !== after[f]) values[f] = after[f];
  const fields = Object.keys(values);
  const tokenChange = registryToken === "-" ? "removed" : registryToken ? "replaced" : undefined;
  if (tokenChange) fields.push("registryToken");
  const passwordChange = smtpPassword === "-" ? "removed" : smtpPassword ? "replaced" : undefined;
  if (passwordChange) fields.push("smtpPassword");
  return {
    fields,
    values,
    ...(tokenChange ? { registryTokenChange: tokenChange } : {}),
    ...(passwordChange ? { smtpPasswordChange: passwordChange } : {}),
  };
}
