"use server";
import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseWith } from "@/lib/api/route";
import { requireUserAction } from "@/lib/auth/session";
import { settingsInputSchema, updateSettings } from "@/lib/settings/update";

/** Saves the system settings; updateSettings checks that the user is a system admin. */
export async function updateSettingsAction(_: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireUserAction();
    const removeToken = form.get("removeRegistryToken") === "on";
    const input = parseWith(settingsInputSchema, {
      webhooksEnabled: form.get("webhooksEnabled") === "on",
      maxAttempts: form.get("maxAttempts"),
      httpTimeoutSeconds: form.get("httpTimeoutSeconds"),
      allowedNetworks: form.get("allowedNetworks") ?? "",
      retentionCount: form.get("retentionCount"),
      retentionDays: form.get("retentionDays"),
      destinationLimit: form.get("destinationLimit"),
      signingOverlapHours: form.get("signingOverlapHours"),
      // empty keeps the stored token, "-" removes it (settingsInputSchema)
      registryToken: removeToken ? "-" : String(form.get("registryToken") ?? "").trim(),
    });
    await updateSettings(actor, input);
    revalidatePath("/admin/settings");
    return undefined;
  }, "Settings saved.");
}
