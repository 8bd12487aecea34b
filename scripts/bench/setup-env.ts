// Imported first by index.ts: the environment of the benchmark process, its workers and the app,
// set before any module (the logger among them) reads it.
import crypto from "node:crypto";

process.env.ALLOWED_NETWORKS = "127.0.0.0/8";
// One key set for the benchmark process, its workers and the app, whatever database each step uses.
process.env.ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
process.env.NEXTAUTH_SECRET = crypto.randomBytes(32).toString("base64");
process.env.ADMIN_PASSWORD = crypto.randomBytes(12).toString("base64url");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "warn";
(process.env as Record<string, string>).NODE_ENV = "production";
