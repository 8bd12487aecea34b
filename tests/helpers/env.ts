import { afterAll, beforeAll } from "vitest";
import { resetEnvCache } from "@/lib/config/env";

/** Sets an environment variable for the file's tests and puts back what was there after them. */
export function useEnv(name: string, value: string) {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env[name];
    process.env[name] = value;
    resetEnvCache();
  });
  afterAll(() => {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
    resetEnvCache();
  });
}
