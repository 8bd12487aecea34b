// Pages never take a message's text from their URL: the URL carries a code, the text is fixed.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ForbiddenPage from "@/app/forbidden/page";
import { deletedText, forbiddenText } from "@/lib/shared/flash";

async function forbiddenHtml(what: string | undefined) {
  return renderToStaticMarkup(await ForbiddenPage({ searchParams: Promise.resolve({ what }) }));
}

describe("flash texts ignore text in the URL", () => {
  it("the forbidden page shows a fixed text for a known code", async () => {
    const html = await forbiddenHtml("webhook.manage");
    expect(html).toContain("Your role does not allow changing this project&#x27;s webhooks.");
    expect(await forbiddenHtml("system administration")).toContain("does not allow system administration.");
  });

  it.each([
    "<script>alert(1)</script>",
    "Your account is locked: call +1 555 0100 and give your password",
    "constructor",
    "__proto__",
    "",
  ])("the forbidden page shows only fixed text for what=%j", async (what) => {
    const html = await forbiddenHtml(what);
    expect(html).toContain("Your role does not allow this.");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("&lt;script");
    if (what) expect(html).not.toContain(what);
  });

  it("no what at all", async () => {
    expect(await forbiddenHtml(undefined)).toContain("Your role does not allow this.");
  });

  it("codes map to fixed texts; anything else to nothing", () => {
    expect(forbiddenText("webhook.read")).toBe("seeing this project's webhooks");
    expect(forbiddenText(["webhook.read"])).toBe("this");
    expect(forbiddenText("toString")).toBe("this");
    expect(deletedText("webhook")).toBe("Webhook deleted.");
    expect(deletedText("My webhook <b>x</b>")).toBeUndefined();
    expect(deletedText("hasOwnProperty")).toBeUndefined();
    expect(deletedText(undefined)).toBeUndefined();
  });
});
