import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, signatureHeaders, signPayload } from "@/lib/delivery/signature";
import { newMessageId } from "@/lib/ids";

const body = JSON.stringify({ type: "PUSH_ARTIFACT", occur_at: 1_700_000_000, operator: "admin" });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("generateSigningSecret", () => {
  it("is whsec_ + base64 of 32 random bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });
});

describe("signPayload / signatureHeaders", () => {
  it("verifies with the standardwebhooks library", () => {
    const secret = generateSigningSecret();
    const headers = signatureHeaders({ id: newMessageId(), timestamp: nowSeconds(), body, secrets: [secret] });
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("matches the library's own signature byte for byte", () => {
    const secret = generateSigningSecret();
    const timestamp = nowSeconds();
    const ours = signPayload({ id: "msg_1", timestamp, body, secrets: [secret] });
    expect(ours).toBe(new Webhook(secret).sign("msg_1", new Date(timestamp * 1000), body));
  });

  it("signs with both secrets during a rotation; each verifies on its own", () => {
    const [oldSecret, newSecret] = [generateSigningSecret(), generateSigningSecret()];
    const headers = signatureHeaders({
      id: newMessageId(),
      timestamp: nowSeconds(),
      body,
      secrets: [oldSecret, newSecret],
    });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
  });

  it("fails verification for a tampered body, id or timestamp", () => {
    const secret = generateSigningSecret();
    const headers = signatureHeaders({ id: newMessageId(), timestamp: nowSeconds(), body, secrets: [secret] });
    const webhook = new Webhook(secret);
    expect(() => webhook.verify(body.replace("admin", "mallory"), headers)).toThrow();
    expect(() => webhook.verify(body, { ...headers, "webhook-id": "msg_other" })).toThrow();
    expect(() => webhook.verify(body, { ...headers, "webhook-timestamp": String(nowSeconds() - 1) })).toThrow();
  });

  it("refuses no secrets and non-integer timestamps", () => {
    expect(() => signPayload({ id: "msg_1", timestamp: nowSeconds(), body, secrets: [] })).toThrow();
    expect(() => signPayload({ id: "msg_1", timestamp: 1.5, body, secrets: [generateSigningSecret()] })).toThrow();
  });
});

describe("newMessageId", () => {
  it("is msg_ + 26 Crockford base32 characters", () => {
    expect(newMessageId()).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("sorts in creation order and never repeats, even within one millisecond", () => {
    const ids = Array.from({ length: 2000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("starts with the creation time in milliseconds", () => {
    const before = Date.now();
    const id = newMessageId();
    const after = Date.now();
    const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const time = [...id.slice(4, 14)].reduce((acc, ch) => acc * 32 + alphabet.indexOf(ch), 0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });
});
