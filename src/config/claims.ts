import { z } from 'zod';
import type { Target } from './targets.ts';

/**
 * A snippet or scenario applies to every target unless it says otherwise, with a reason the
 * reader sees: `targets: { only: [pg18], reason: … }` or `{ except: [pg16], reason: … }`.
 */
export const targetClaimSchema = z
  .object({
    only: z.array(z.string().min(1)).min(1).optional(),
    except: z.array(z.string().min(1)).min(1).optional(),
    /** Why, in one sentence: what the other targets lack or do differently. */
    reason: z.string().min(10),
  })
  .strict()
  .refine((claim) => (claim.only === undefined) !== (claim.except === undefined), 'give either only or except, not both');

export type TargetClaim = z.infer<typeof targetClaimSchema>;

/** The targets a claim covers, in the order of targets.env. */
export function claimedTargets(claim: TargetClaim | undefined, targets: Target[]): Target[] {
  if (!claim) return targets;
  if (claim.only) return targets.filter((t) => claim.only!.includes(t.id));
  return targets.filter((t) => !claim.except!.includes(t.id));
}

/** What is wrong with a claim against the targets there are: unknown ids, or no target left. */
export function claimProblems(claim: TargetClaim | undefined, targets: Target[]): string[] {
  if (!claim) return [];
  const ids = new Set(targets.map((t) => t.id));
  const named = claim.only ?? claim.except ?? [];
  const problems = named.filter((id) => !ids.has(id)).map((id) => `'${id}' is not a target of targets.env (they are ${[...ids].join(', ')})`);
  if (problems.length === 0 && claimedTargets(claim, targets).length === 0) problems.push('the claim leaves no target to verify on');
  return problems;
}
