import type { Metadata, Viewport } from "next";
import Link from "next/link";
import "./globals.css";
import { currentUser } from "@/lib/auth/session";
import { SignOutButton } from "@/components/sign-out-button";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Harbor Notifier",
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

export const viewport: Viewport = { themeColor: "#0f172a" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-100 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
        >
          Skip to content
        </a>
        <header className="bg-slate-900 text-white">
          <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
            <Link href="/projects" className="font-semibold tracking-tight">
              ⚓ Harbor Notifier
            </Link>
            {user && (
              <>
                <Link href="/projects" className="text-sm text-slate-200 hover:text-white">
                  Projects
                </Link>
                {user.sysadmin && (
                  <Link href="/admin/users" className="text-sm text-slate-200 hover:text-white">
                    Users
                  </Link>
                )}
                {user.sysadmin && (
                  <Link href="/admin/settings" className="text-sm text-slate-200 hover:text-white">
                    System settings
                  </Link>
                )}
                <Link href="/api-docs" className="text-sm text-slate-200 hover:text-white">
                  API
                </Link>
                <Link href="/profile" className="ml-auto text-sm text-slate-300 hover:text-white" title="Your profile">
                  {user.username}
                  {user.sysadmin ? " (system admin)" : ""}
                </Link>
                <SignOutButton />
              </>
            )}
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
