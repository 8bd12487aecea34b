import pino, { type LogFn, type Logger } from "pino";
import { env } from "@/lib/config/env";

let instance: Logger | undefined;

// Structured JSON logs. Secrets are redacted wherever they may appear in a logged object.
// Created at the first log line, not at import: many modules import the logger, and reading the
// configuration must not happen (or fail) merely by loading one of them.
const create = (): Logger =>
  pino({
    level: env().LOG_LEVEL,
    base: { service: "harbor-notifier", role: env().HARBOR_ROLE },
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

const at =
  (level: "fatal" | "error" | "warn" | "info" | "debug" | "trace"): LogFn =>
  (...args: Parameters<LogFn>) =>
    (instance ??= create())[level](...args);

export const logger = {
  fatal: at("fatal"),
  error: at("error"),
  warn: at("warn"),
  info: at("info"),
  debug: at("debug"),
  trace: at("trace"),
};
