// The operator's info-level log: a delivery that failed finally (policy, target host, status), a
// sign-in lockout, a settings change (which fields; the registry token by name only). Each line is
// checked for what it must say and for the secrets it must not carry.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { logged } from "../helpers/log-capture";

vi.mock("@/lib/log/logger", async () => (await import("../helpers/log-capture")).loggerMock());

import { requireSystem } from "@/lib/auth/access";
import { UNKNOWN_CLIENT } from "@/lib/auth/client-address";
import { checkCredentials, signInKey } from "@/lib/auth/credentials";
import { loginLimiter } from "@/lib/auth/rate-limit";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { deliverTask } from "@/lib/delivery/deliver";
import type { ClaimedTask } from "@/lib/delivery/load";
import { createTargetRateLimits } from "@/lib/delivery/rate-limiter";
import { sampleEvent } from "@/lib/events/samples";
import { DEFAULT_RETRY_POLICY } from "@/lib/shared/retry-policy";
import { getSettings } from "@/lib/settings/settings";
import { updateSettings } from "@/lib/settings/update";
import { makeUser } from "../helpers/fixtures";
import { startServer } from "../helpers/receiver";
import { useOwnDatabase } from "../helpers/own-database";

let dispose: (() => Promise<void>) | undefined;
beforeAll(async () => {
  dispose = (await useOwnDatabase("registry-logs")).dispose;
}, 60_000);
afterAll(async () => {
  await dispose?.();
});
beforeEach(() => {
  logged.length = 0;
});

const lines = (message: RegExp) =>
  logged.filter((l) => l.level === "info" && typeof l.args[1] === "string" && message.test(l.args[1] as string));

describe("operator's log", () => {
  it("names a delivery that failed finally by policy, target host and status, without path, query or auth header", async () => {
    const AUTH = "Bearer delivery-log-secret-91b2";
    const rx = await startServer((_q, res) => {
      res.statusCode = 500;
      res.end(`echo ${AUTH}`);
    });
    try {
      const event = sampleEvent("PUSH_ARTIFACT");
      const task: ClaimedTask = {
        id: 71,
        executionId: 72,
        targetId: 73,
        webhookId: "msg_logs",
        runCount: 0,
        maxAttempts: 1,
        execution: {
          id: 72,
          vendorType: "WEBHOOK",
          event: {
            id: 1,
            type: event.type,
            occurAt: event.occur_at,
            operator: event.operator,
            eventData: JSON.stringify(event.event_data),
            requestId: "r",
            createdAt: new Date(),
          },
          target: {
            id: 73,
            type: "http",
            address: `${rx.url}/hooks/PATHSECRET42?sig=QUERYSECRET42`,
            authHeaderEnc: encryptSecret(AUTH),
            skipCertVerify: false,
            payloadFormat: "Default",
          },
          policy: {
            id: 74,
            projectId: 1,
            maxAttempts: 1,
            backoffBaseMs: null,
            backoffCapMs: null,
            timeoutMs: null,
            signingKeys: [],
          },
        },
      };
      const outcome = await deliverTask(task, {
        allowList: ["127.0.0.0/8"],
        retry: DEFAULT_RETRY_POLICY,
        backoffScale: 1,
        rateLimits: createTargetRateLimits(),
      });
      expect(outcome.kind).toBe("failed");
      const [line] = lines(/^delivery failed finally/);
      expect(line?.args[0]).toEqual({
        taskId: 71,
        policyId: 74,
        targetId: 73,
        targetHost: new URL(rx.url).host,
        responseStatus: 500,
        attempts: 1,
      });
      const text = JSON.stringify(logged);
      for (const secret of ["PATHSECRET42", "QUERYSECRET42", "delivery-log-secret-91b2"])
        expect(text).not.toContain(secret);
    } finally {
      await rx.close();
    }
  });

  it("says once when a user name is locked out of sign-in, without the password", async () => {
    const { user } = await makeUser({ password: "right-password-123" });
    const key = signInKey(user.username, UNKNOWN_CLIENT);
    loginLimiter.reset(key);
    try {
      for (let i = 0; i < 14; i++) await checkCredentials(user.username, `wrong-password-${i}-xyz`);
      const locked = lines(/^sign-in locked out/);
      expect(locked).toHaveLength(1);
      expect(locked[0].args[0]).toMatchObject({
        username: user.username.toLowerCase(),
        retryAfterSeconds: expect.any(Number),
      });
      expect(JSON.stringify(logged)).not.toContain("wrong-password-");
    } finally {
      loginLimiter.reset(key);
    }
  });

  it("lists the settings that changed; the registry token by name only", async () => {
    const { actor } = await makeUser({ sysadmin: true });
    const system = requireSystem(actor, "users.manage");
    const s = await getSettings();
    const TOKEN = "settings-log-token-5f0c2a9e";
    await updateSettings(system, {
      webhooksEnabled: s.webhooksEnabled,
      maxAttempts: s.maxAttempts === 5 ? 6 : 5,
      httpTimeoutSeconds: s.httpTimeoutMs / 1000,
      allowedNetworks: s.allowedNetworks,
      retentionCount: s.retentionCount,
      retentionDays: s.retentionDays,
      destinationLimit: s.destinationLimit,
      signingOverlapHours: s.signingOverlapHours,
      registryToken: TOKEN,
    });
    const [line] = lines(/^system settings changed$/);
    expect(line?.args[0]).toEqual({
      by: actor.kind === "user" ? actor.username : "",
      fields: ["maxAttempts", "registryToken"],
      values: { maxAttempts: s.maxAttempts === 5 ? 6 : 5 },
      registryTokenChange: "replaced",
    });
    expect(JSON.stringify(logged)).not.toContain(TOKEN);
  });
});
