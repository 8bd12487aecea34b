import { decryptOptional, safeEqual } from "@/lib/crypto/secret-box";
import { env } from "@/lib/config/env";
import { configSnapshot, type ConfigSnapshot } from "@/lib/db/config-cache";
import { getSettings } from "@/lib/settings/settings";

/**
 * Whether a bearer token may post registry notifications (the settings token or
 * REGISTRY_NOTIFICATION_TOKEN). The settings token is read and decrypted once per configuration
 * version (changing it bumps the version).
 */
export async function isRegistryTokenValid(token: string, config?: ConfigSnapshot): Promise<boolean> {
  if (!token) return false;
  const snapshot = config ?? (await configSnapshot());
  const stored = await snapshot.memo("registry-token", async () => ({
    token: decryptOptional((await getSettings()).registryTokenEnc),
  }));
  const candidates = [env().REGISTRY_NOTIFICATION_TOKEN, stored.token].filter((t): t is string => !!t);
  let ok = false;
  for (const c of candidates) ok = safeEqual(c, token) || ok;
  return ok;
}
