import pino from "pino";

// Structured JSON logs. Secrets are redacted wherever they may appear in a logged object.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "harbor-notifier", role: process.env.HARBOR_ROLE ?? "web" },
  redact: {
    paths: [
      "password",
      "*.password",
      "authHeader",
      "*.authHeader",
      "auth_header",
      "*.auth_header",
      "authorization",
      "*.authorization",
      "headers.authorization",
      "secret",
      "*.secret",
      "signing_secret",
      "*.signing_secret",
      "key",
      "*.key",
      "token",
      "*.token",
    ],
    censor: "[redacted]",
  },
});
