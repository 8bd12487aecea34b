import type { MetadataRoute } from "next";

/** The web app manifest (served as /manifest.webmanifest): name, colours and the icons in public/. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Harbor Notifier",
    short_name: "Harbor Notifier",
    description: "Webhook notifications for container registries",
    start_url: "/projects",
    display: "standalone",
    background_color: "#f1f5f9",
    theme_color: "#0f172a",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
      { src: "/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icon-maskable.svg", sizes: "any", type: "image/svg+xml", purpose: "maskable" },
      { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
