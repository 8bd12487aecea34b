// Lint rules: Next's (React, hooks, accessibility, core web vitals), typescript-eslint, no import
// cycles, and the client/server boundary (components and client modules never reach server code).
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/** Server-only code: nothing under components/ or a "use client" module may import it. */
const SERVER_ONLY = ["@/lib/*", "!@/lib/shared", "!@/lib/shared/*", "@/app/**/route", "@/scripts/*", "node:*"];

const config = [
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      "lib/generated/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    settings: { "import/resolver": { typescript: { project: "./tsconfig.json" } } },
    rules: {
      "import/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Tests hold no React: Playwright's fixture callback is named `use`, which the hooks rule mistakes for React's.
    files: ["e2e/**", "tests/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: SERVER_ONLY,
              message: "components/ are browser-safe: import contracts from @/lib/shared, data comes in as props.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
