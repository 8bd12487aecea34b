"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionRowId, projectAction } from "@/lib/actions/action";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/api-keys/service";

function refresh(project: string) {
  revalidatePath(`/projects/${encodeURIComponent(project)}/api-keys`);
}

/** Creates a key; the full key comes back here only (just its hash is stored). */
export const createApiKeyAction = projectAction(
  {
    permission: "apiKeys.manage",
    input: createApiKeySchema,
    args: (_: unknown, form: FormData) => ({ mode: form.get("mode"), name: form.get("name") ?? "" }),
    success: "API key created.",
  },
  async ({ access, input }) => {
    const { key, row } = await createApiKey(access, input);
    refresh(access.project.name);
    return { key, mode: row.mode, name: row.name };
  },
);

export const revokeApiKeyAction = projectAction(
  {
    permission: "apiKeys.manage",
    input: z.object({ keyId: actionRowId }),
    args: (keyId: number) => ({ keyId }),
    success: "API key revoked.",
  },
  async ({ access, input }) => {
    await revokeApiKey(access, input.keyId);
    refresh(access.project.name);
  },
);
