/** The colour theme: light, dark, or the system's preference (the default, stored as no value). */
export type Theme = "system" | "light" | "dark";

export const THEME_STORAGE_KEY = "theme";

/**
 * Runs in <head> before the body renders, so no page flashes light in dark mode: the "dark" class
 * on <html> from the stored choice or the system preference, following the latter while it changes.
 */
export const THEME_SCRIPT = `(function(){try{var d=document.documentElement,m=matchMedia("(prefers-color-scheme: dark)");function a(){var t=localStorage.getItem("${THEME_STORAGE_KEY}");d.classList.toggle("dark",t==="dark"||(t!=="light"&&m.matches))}a();m.addEventListener("change",a)}catch(e){}})()`;
