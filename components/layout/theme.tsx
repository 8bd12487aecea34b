"use client";
/**
 * Light, dark, or the system's preference (the default). The choice is kept in localStorage; the
 * script in the root layout (lib/shared/theme.ts) applies it before the first paint.
 */
import { useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY as KEY, type Theme } from "@/lib/shared/theme";

const ORDER: Theme[] = ["system", "light", "dark"];
const LABELS: Record<Theme, string> = { system: "System theme", light: "Light theme", dark: "Dark theme" };
const ICONS: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

function apply(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

function stored(): Theme {
  const t = localStorage.getItem(KEY);
  return t === "light" || t === "dark" ? t : "system";
}

// The choice changes here or in another tab ("storage"); either way the toggle re-reads it.
const CHANGED = "themechange";
function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

export function ThemeToggle() {
  // "system" on the server and during hydration; the stored choice once mounted.
  const theme = useSyncExternalStore<Theme>(subscribe, stored, () => "system");
  const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
  return (
    <button
      type="button"
      onClick={() => {
        if (next === "system") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, next);
        apply(next);
        window.dispatchEvent(new Event(CHANGED));
      }}
      className="rounded px-2 py-1 text-sm text-header-ink/80 hover:bg-header-ink/10 hover:text-header-ink"
      aria-label={`${LABELS[theme]}; switch to ${LABELS[next].toLowerCase()}`}
      title={`${LABELS[theme]} (click for ${LABELS[next].toLowerCase()})`}
      data-theme-choice={theme}
    >
      <span aria-hidden>{ICONS[theme]}</span>
    </button>
  );
}
