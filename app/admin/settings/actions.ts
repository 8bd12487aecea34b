"use server";
import { revalidatePath } from "next/cache";
import { systemAction } from "@/lib/actions/action";
import { sendTestEmail } from "@/lib/delivery/test-email";
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
