"use server";
import { revalidatePath } from "next/cache";
import { systemAction } from "@/lib/actions/action";
import { settingsInputSchema, updateSettings } from "@/lib/settings/update";

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
    }),
    success: "Settings saved.",
  },
  async ({ system, input }) => {
    await updateSettings(system, input);
    revalidatePath("/admin/settings");
  },
);
