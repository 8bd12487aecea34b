import { decryptOptional, safeEqual } from "@/lib/crypto/secret-box";
import { env } from "@/lib/config/env";
import { getSettings } from "@/lib/settings/settings";

/** Whether a bearer token may post registry notifications (the settings token or REGISTRY_NOTIFICATION_TOKEN). */
export async function isRegistryTokenValid(token: string): Promise<boolean> {
  if (!token) return false;
  const candidates = [
    env().REGISTRY_NOTIFICATION_TOKEN,
    decryptOptional((await getSettings()).registryTokenEnc),
  ].filter((t): t is string => !!t);
  let ok = false;
  for (const c of candidates) ok = safeEqual(c, token) || ok;
  return ok;
}
