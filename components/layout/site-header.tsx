"use client";
/**
 * The header: the main navigation with the current section marked, the theme toggle, the user and
 * sign-out. Below the md breakpoint the links fold into a menu button, so a phone never scrolls
 * sideways.
 */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { ThemeToggle } from "@/components/layout/theme";
import { SignOutButton } from "@/components/sign-out-button";

export type HeaderUser = { username: string; sysadmin: boolean; providerLogout?: boolean };

type NavItem = { href: string; label: string };

function navItems(user: HeaderUser): NavItem[] {
  return [
    { href: "/projects", label: "Projects" },
    ...(user.sysadmin
      ? [
          { href: "/admin/users", label: "Users" },
          { href: "/admin/webhooks", label: "Webhooks" },
          { href: "/admin/audit-log", label: "Audit log" },
          { href: "/admin/deliveries", label: "Deliveries" },
          { href: "/admin/alerts", label: "Alerts" },
          { href: "/admin/settings", label: "System settings" },
        ]
      : []),
    { href: "/event-types", label: "Event types" },
    { href: "/api-docs", label: "API" },
  ];
}

const isActive = (pathname: string, href: string) => pathname === href || pathname.startsWith(`${href}/`);

function NavLink({ item, pathname, onNavigate }: { item: NavItem; pathname: string; onNavigate?: () => void }) {
  const active = isActive(pathname, item.href);
  return (
    <Link
      href={item.href}
      onClick={onNavigate}
      aria-current={active ? "page" : undefined}
      className={`block rounded px-2 py-1 text-sm ${
        active ? "bg-header-ink/15 font-medium text-header-ink" : "text-header-ink/80 hover:text-header-ink"
      }`}
    >
      {item.label}
    </Link>
  );
}

export function SiteHeader({ user }: { user: HeaderUser | null }) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = user ? navItems(user) : [];
  const close = () => setMenuOpen(false);
  const profileActive = isActive(pathname, "/profile");

  return (
    <header className="bg-header text-header-ink">
      <nav aria-label="Main" className="mx-auto flex max-w-screen-2xl items-center gap-2 px-4 py-3 sm:gap-4">
        <Link href="/projects" className="shrink-0 font-semibold tracking-tight">
          ⚓ Harbor Notifier
        </Link>
        {user && (
          <ul className="hidden items-center gap-1 md:flex">
            {items.map((item) => (
              <li key={item.href}>
                <NavLink item={item} pathname={pathname} />
              </li>
            ))}
          </ul>
        )}
        <div className="ml-auto flex min-w-0 items-center gap-1">
          <ThemeToggle />
          {user && (
            <>
              <Link
                href="/profile"
                aria-current={profileActive ? "page" : undefined}
                className={`hidden max-w-48 truncate rounded px-2 py-1 text-sm md:block ${
                  profileActive ? "bg-header-ink/15 text-header-ink" : "text-header-ink/80 hover:text-header-ink"
                }`}
                title={`Your profile: ${user.username}${user.sysadmin ? " (system admin)" : ""}`}
              >
                {user.username}
                {user.sysadmin ? " (system admin)" : ""}
              </Link>
              <span className="hidden md:block">
                <SignOutButton providerLogout={user.providerLogout} />
              </span>
              <button
                type="button"
                className="rounded px-2 py-1 text-sm text-header-ink/90 hover:bg-header-ink/10 md:hidden"
                aria-expanded={menuOpen}
                aria-controls="main-menu"
                onClick={() => setMenuOpen((o) => !o)}
              >
                <span aria-hidden>☰</span> Menu
              </button>
            </>
          )}
        </div>
      </nav>
      {user && menuOpen && (
        <div id="main-menu" className="border-t border-header-ink/15 px-4 pb-3 md:hidden">
          <ul className="space-y-1 pt-2">
            {items.map((item) => (
              <li key={item.href}>
                <NavLink item={item} pathname={pathname} onNavigate={close} />
              </li>
            ))}
            <li>
              <NavLink
                item={{ href: "/profile", label: `Profile (${user.username})` }}
                pathname={pathname}
                onNavigate={close}
              />
            </li>
            <li>
              <SignOutButton providerLogout={user.providerLogout} />
            </li>
          </ul>
        </div>
      )}
    </header>
  );
}
