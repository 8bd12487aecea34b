"use server";
import { revalidatePath } from "next/cache";
import { systemAction } from "@/lib/actions/action";
import { sendTestEmail } from "@/lib/delivery/test-email";
import { authSettingsInputSchema, updateAuthSettings } from "@/lib/settings/auth-settings";
import { LDAP_FIELDS, OIDC_FIELDS } from "@/lib/shared/auth-settings-fields";
import { settingsInputSchema, testEmailInputSchema, updateSettings } from "@/lib/settings/update";

/** Saves the system settings (system admins only). */
export const updateSettingsAction = systemAction(
  {
    system: "settings.manage",
    input: settingsInputSchema,
    args: (_: unknown, form: FormData) => ({
      webhooksEnabled: form.get("webhooksEnabled") === "on",
      maxAttempts: form.get("maxAttempts"),
      httpTimeoutSeconds: form.get("httpTimeoutSeconds"),
      allowedNetworks: form.get("allowedNetworks") ?? "",
      retentionCount: form.get("retentionCount"),
      retentionDays: form.get("retentionDays"),
      auditRetentionDays: form.get("auditRetentionDays") ?? undefined,
      destinationLimit: form.get("destinationLimit"),
      signingOverlapHours: form.get("signingOverlapHours"),
      // empty keeps the stored token, "-" removes it (settingsInputSchema)
      registryToken: form.get("removeRegistryToken") === "on" ? "-" : String(form.get("registryToken") ?? "").trim(),
      // empty keeps the stored password, "-" removes it
      ...(form.has("smtpHost")
        ? {
            smtpHost: form.get("smtpHost"),
            smtpPort: form.get("smtpPort"),
            smtpTlsMode: form.get("smtpTlsMode"),
            smtpUser: form.get("smtpUser") ?? "",
            smtpFrom: form.get("smtpFrom") ?? "",
            smtpPassword: form.get("removeSmtpPassword") === "on" ? "-" : String(form.get("smtpPassword") ?? ""),
          }
        : {}),
    }),
    success: "Settings saved.",
  },
  async ({ system, input }) => {
    await updateSettings(system, input);
    revalidatePath("/admin/settings");
  },
);

/** Sends a test email through the saved SMTP settings; the result says what the server answered. */
export const sendTestEmailAction = systemAction(
  {
    system: "settings.manage",
    input: testEmailInputSchema,
    args: (to: unknown) => ({ to: typeof to === "string" ? to.trim() : to }),
  },
  async ({ system, input }) => sendTestEmail(system, input.to),
);

/**
 * Saves the authentication settings. Fields the form does not send (a disabled input: set by an
 * environment variable) are kept; a checkbox says it was on the form with a `<name>__shown` input.
 */
export const updateAuthSettingsAction = systemAction(
  {
    system: "settings.manage",
    input: authSettingsInputSchema,
    args: (_: unknown, form: FormData) => {
      const input: Record<string, unknown> = {};
      if (form.has("authMode")) input.authMode = form.get("authMode");
      for (const f of [...OIDC_FIELDS, ...LDAP_FIELDS]) {
        if (f.kind === "bool") {
          if (form.has(`${f.name}__shown`)) input[f.name] = form.get(f.name) === "on";
        } else if (f.kind === "secret") {
          if (form.get(`${f.name}__remove`) === "on") input[f.name] = "-";
          else if (form.get(f.name)) input[f.name] = String(form.get(f.name));
        } else if (form.has(f.name)) input[f.name] = String(form.get(f.name) ?? "");
      }
      return input;
    },
    success: "Authentication settings saved.",
  },
  async ({ system, input }) => {
    await updateAuthSettings(system, input);
    revalidatePath("/admin/settings");
  },
);
