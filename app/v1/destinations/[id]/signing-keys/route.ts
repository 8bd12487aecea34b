import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { rotateDestinationKey } from "@/lib/destinations/service";
import { signingKeyRotationSchema } from "@/lib/destinations/schemas";

/**
 * POST /v1/destinations/{id}/signing-keys: a new signing secret, returned once. Until
 * previous_secrets_expire_at, deliveries carry signatures of the old and the new secret.
 */
export const POST = apiRoute(
  { flavor: "v1", auth: "key", permission: "webhook.secrets" },
  async ({ access, params }) => {
    const { signingSecret, previousKeysExpireAt } = await rotateDestinationKey(access, params.id);
    const body = signingKeyRotationSchema.parse({
      id: params.id,
      signing_secret: signingSecret,
      previous_secrets_expire_at: previousKeysExpireAt.toISOString(),
    });
    return NextResponse.json(body, { status: 201 });
  },
);
