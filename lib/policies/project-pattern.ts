import { compileGlob, globMatch, GlobSyntaxError, StepBudget } from "@/lib/shared/glob";

/**
 * Matching a project name against a pattern is a handful of steps per character: a project name is
 * short (Harbor: 255 characters), so this bound is never reached by a real name.
 */
const PROJECT_MATCH_STEPS = 100_000;

/**
 * Whether an instance-wide policy's project pattern takes in this project (no pattern = every
 * project). A pattern stored before its syntax was checked as it is now matches nothing.
 */
export function projectPatternMatches(pattern: string | null, projectName: string | null): boolean {
  if (!pattern) return true;
  if (projectName === null) return false;
  try {
    return globMatch(compileGlob(pattern), projectName, new StepBudget(PROJECT_MATCH_STEPS));
  } catch (err) {
    if (err instanceof GlobSyntaxError) return false;
    throw err;
  }
}
