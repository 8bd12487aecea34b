"use server";
import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseWith } from "@/lib/api/route";
import { requireProject } from "@/lib/auth/access";
import { requireUserAction } from "@/lib/auth/session";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/api-keys/service";

async function manageKeys(project: string) {
  const actor = await requireUserAction();
  const { project: ref } = await requireProject(actor, project, "apiKeys.manage");
  return { actor, project: ref };
}

/** Creates a key; the full key comes back here only (just its hash is stored). */
export async function createApiKeyAction(
  project: string,
  _: unknown,
  form: FormData,
): Promise<ActionResult<{ key: string; mode: string; name: string }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manageKeys(project);
    const input = parseWith(createApiKeySchema, { mode: form.get("mode"), name: form.get("name") ?? "" });
    const { key, row } = await createApiKey(actor, ref, input);
    revalidatePath(`/projects/${encodeURIComponent(ref.name)}/api-keys`);
    return { key, mode: row.mode, name: row.name };
  }, "API key created.");
}

export async function revokeApiKeyAction(project: string, keyId: number): Promise<ActionResult> {
  return runAction(async () => {
    const { actor, project: ref } = await manageKeys(project);
    await revokeApiKey(
      actor,
      ref,
      typeof keyId === "number" && Number.isSafeInteger(keyId) && keyId > 0 && keyId <= 2_147_483_647 ? keyId : 0,
    );
    revalidatePath(`/projects/${encodeURIComponent(ref.name)}/api-keys`);
    return undefined;
  }, "API key revoked.");
}
