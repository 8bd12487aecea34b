// Pages never take a message's text from their URL: the URL carries a code, the text is fixed.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ForbiddenPage from "@/app/forbidden/page";
import { deletedText } from "@/lib/shared/flash";

async function forbiddenHtml(what: string | undefined) {
  return renderToStaticMarkup(await ForbiddenPage({ searchParams: Promise.resolve({ what }) }));
}

describe("flash texts ignore text in the URL", () => {
  it("the forbidden page says who may do what the code names, and whom to ask", async () => {
    const html = await forbiddenHtml("webhook.manage");
    expect(html).toContain(
      "Only project admins can change webhooks. Ask a project admin or a system admin if you need access.",
    );
    expect(await forbiddenHtml("apiKeys.manage")).toContain("Only project admins can manage API keys.");
    expect(await forbiddenHtml("settings.manage")).toContain(
      "Only system admins can change system settings. Ask a system admin if you need access.",
    );
  });

  it.each([
    "<script>alert(1)</script>",
    "Your account is locked: call +1 555 0100 and give your password",
    "constructor",
    "__proto__",
    "toString",
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

  it("deleted codes map to fixed texts; anything else to nothing", () => {
    expect(deletedText("webhook")).toBe("Webhook deleted.");
    expect(deletedText("My webhook <b>x</b>")).toBeUndefined();
    expect(deletedText("hasOwnProperty")).toBeUndefined();
    expect(deletedText(undefined)).toBeUndefined();
  });
});
