import type { Metadata, Viewport } from "next";
import "./globals.css";
import { currentUser } from "@/lib/auth/session";
import { SiteHeader } from "@/components/layout/site-header";
import { THEME_SCRIPT } from "@/lib/shared/theme";
import { signsOutAtProvider } from "@/lib/auth/sso/logout";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  // Each page names itself; the product name follows.
  title: { template: "%s · Harbor Notifier", default: "Harbor Notifier" },
  description: "Webhook notifications for container registries",
  // The files are in public/; app/manifest.ts lists the larger ones for installed web apps.
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "16x16 32x32 48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: { url: "/apple-touch-icon.png", sizes: "180x180" },
  },
};

export const viewport: Viewport = { themeColor: "#0f172a", colorScheme: "light dark" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  const providerLogout = user ? await signsOutAtProvider(user.userId) : false;
  return (
    // The theme script sets the "dark" class before React hydrates, so <html> differs on purpose.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-100 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
        >
          Skip to content
        </a>
        <SiteHeader user={user ? { username: user.username, sysadmin: user.sysadmin, providerLogout } : null} />
        <main id="main" className="mx-auto max-w-screen-2xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
