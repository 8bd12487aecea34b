/** @type {import('next').NextConfig} */
// Every answer's security headers; the web server's own answers (lib/events/ingest-http.ts) carry
// the same. Next.js inlines its bootstrap scripts and styles, hence 'unsafe-inline'.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS
const securityHeaders = require("./lib/http/security-headers.json");

module.exports = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: [
    "@node-rs/argon2",
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    "pino",
    "prom-client",
  ],
  experimental: { serverActions: { bodySizeLimit: "1mb" } },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};
