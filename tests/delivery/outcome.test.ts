import { describe, expect, it } from "vitest";
import { NetworkGuardError } from "@/lib/delivery/network-guard";
import { describeTransportError, parseRetryAfterMs } from "@/lib/delivery/outcome";

function coded(message: string, code: string, cause?: Error): Error {
  return Object.assign(new Error(message, cause ? { cause } : undefined), { code });
}

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each<[string | string[] | undefined, number | undefined]>([
    ["7", 7000],
    [" 120 ", 120_000],
    ["0", 0],
    [["3", "9"], 3000],
    ["Wed, 01 Jan 2025 00:01:00 GMT", 60_000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0], // a date in the past means "now"
    ["-5", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%o → %o", (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });
});

describe("describeTransportError", () => {
  it.each([
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "self-signed"],
    ["CERT_HAS_EXPIRED", "expired"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "does not match the host name"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "trusted authority"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_WRONG_VERSION_NUMBER"],
  ])("classifies %s as a TLS error, also when wrapped", (code, words) => {
    const wrapped = new TypeError("fetch failed", { cause: coded("certificate problem", code) });
    const failure = describeTransportError(wrapped);
    expect(failure.errorKind).toBe("tls");
    expect(failure.error).toContain(words);
  });

  it.each([
    ["ECONNRESET", "network"],
    ["ECONNREFUSED", "network"],
    ["UND_ERR_SOCKET", "network"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout"],
    ["UND_ERR_CONNECT_TIMEOUT", "timeout"],
    ["ETIMEDOUT", "timeout"],
  ])("classifies %s as %s", (code, kind) => {
    expect(describeTransportError(coded("boom", code)).errorKind).toBe(kind);
  });

  it("classifies an AbortSignal.timeout abort as a timeout", () => {
    expect(describeTransportError(new DOMException("aborted", "TimeoutError")).errorKind).toBe("timeout");
  });

  it("passes the network guard's verdicts through", () => {
    expect(describeTransportError(new NetworkGuardError("address_refused", "10.0.0.1 is a private address"))).toEqual({
      errorKind: "refused_address",
      error: "10.0.0.1 is a private address",
    });
    expect(
      describeTransportError(new Error("connect failed", { cause: new NetworkGuardError("address_refused", "x") }))
        .errorKind,
    ).toBe("refused_address");
    expect(describeTransportError(new NetworkGuardError("unresolvable", "Cannot resolve x")).errorKind).toBe("network");
    expect(describeTransportError(new NetworkGuardError("invalid_url", "bad")).errorKind).toBe("invalid_request");
  });

  it("falls back to a network error with the message", () => {
    expect(describeTransportError(new Error("something odd"))).toEqual({
      errorKind: "network",
      error: "something odd",
    });
    expect(describeTransportError("a string")).toEqual({ errorKind: "network", error: "a string" });
  });
});
