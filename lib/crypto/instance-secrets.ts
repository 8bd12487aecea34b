import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/config/env";
import { logger } from "@/lib/log/logger";

type InstanceSecrets = { encryptionKey: Buffer; authSecret: string };

let cached: InstanceSecrets | undefined;

/**
 * The key that encrypts secrets at rest and the session-signing secret. Taken from ENCRYPTION_KEY /
 * NEXTAUTH_SECRET; otherwise generated once into DATA_DIR/secrets.json (mode 0600) and reused.
 * Several machines sharing one PostgreSQL must set both variables to the same values.
 */
export function instanceSecrets(): InstanceSecrets {
  if (cached) return cached;
  const { ENCRYPTION_KEY, NEXTAUTH_SECRET, DATA_DIR } = env();
  const file = path.resolve(DATA_DIR, "secrets.json");
  let stored: { encryptionKey?: string; authSecret?: string } = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8"));

  const generated: string[] = [];
  const encryptionKey = ENCRYPTION_KEY ?? stored.encryptionKey ?? gen("ENCRYPTION_KEY", generated);
  const authSecret = NEXTAUTH_SECRET ?? stored.authSecret ?? gen("NEXTAUTH_SECRET", generated);
  if (generated.length > 0) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const next = { ...stored };
    if (!ENCRYPTION_KEY) next.encryptionKey = encryptionKey;
    if (!NEXTAUTH_SECRET) next.authSecret = authSecret;
    fs.writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
    logger.warn({ file, generated }, "generated instance secrets into the data directory; back this file up");
  }
  const key = Buffer.from(encryptionKey, "base64");
  if (key.length !== 32) throw new Error("Invalid configuration:\n  ENCRYPTION_KEY: must be base64 of 32 bytes");
  cached = { encryptionKey: key, authSecret };
  return cached;
}

function gen(name: string, generated: string[]) {
  generated.push(name);
  return crypto.randomBytes(32).toString("base64");
}
