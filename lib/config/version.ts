// Bundled at build time (no file read at run time), and right however the process was started.
import packageJson from "@/package.json";

/** The product version, as package.json states it. */
export const APP_VERSION: string = packageJson.version;
