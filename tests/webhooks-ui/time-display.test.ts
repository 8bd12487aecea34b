import { describe, expect, it } from "vitest";
import { formatDateTime, formatLocalDateTime, formatRelativeTime } from "@/lib/shared/display";

const now = new Date("2026-12-02T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;

describe("times as the pages show them", () => {
  it("lists say how long ago, rounded to what a person reads", () => {
    expect(formatRelativeTime(ago(10_000), now)).toBe("just now");
    expect(formatRelativeTime(ago(50_000), now)).toBe("1 min ago");
    expect(formatRelativeTime(ago(3 * MIN), now)).toBe("3 min ago");
    expect(formatRelativeTime(ago(59 * MIN), now)).toBe("59 min ago");
    expect(formatRelativeTime(ago(5 * 60 * MIN), now)).toBe("5 h ago");
    expect(formatRelativeTime(ago(26 * 60 * MIN), now)).toBe("1 day ago");
    expect(formatRelativeTime(ago(3 * 24 * 60 * MIN), now)).toBe("3 days ago");
  });

  it("future times (the next attempt) read forwards", () => {
    expect(formatRelativeTime(ago(-4 * MIN), now)).toBe("in 4 min");
  });

  it("beyond a week, the date in the viewer's zone", () => {
    expect(formatRelativeTime(new Date("2026-11-01T23:30:00Z"), now, "UTC")).toBe("1 Nov 2026");
    expect(formatRelativeTime(new Date("2026-11-01T23:30:00Z"), now, "Asia/Tokyo")).toBe("2 Nov 2026");
  });

  it("details give the local date and time with the zone named; UTC is the exact fallback", () => {
    const d = new Date("2026-12-02T02:14:05Z");
    expect(formatLocalDateTime(d, "Asia/Tokyo")).toBe("2 Dec 2026, 11:14:05 GMT+9");
    expect(formatLocalDateTime(d, "UTC")).toBe("2 Dec 2026, 02:14:05 UTC");
    expect(formatDateTime(d)).toBe("2026-12-02 02:14:05 UTC");
  });
});
