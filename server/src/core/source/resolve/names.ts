// Which impls name which types and traits, from a file's impl headers: enough
// to say whether an impl would break once a module's types belong to another
// crate. Type names are matched by their last segment; a file that declares
// its own type of that name (and does not name the module) means its own.
import type { ImplFact, SourceFacts } from '../rust';
import { tokenId } from '../winnow';
import { lowerBound } from '../../sorted';

export function hasIdentifier(facts: SourceFacts, name: string): boolean {
  const sorted = facts.identifiers;
  const id = tokenId(name);
  return sorted[lowerBound(sorted, id)] === id;
}

export interface MovedTypeImpl {
  impl: ImplFact;
  /** The moved type the impl names. */
  type: string;
  why: string;
}

/**
 * An impl in `theirs` that would break when the types `moved` (declared by
 * module `moduleName`) become another crate's. The orphan rule (the
 * Reference, "Implementations", orphan rules; rustc E0116, E0117): an
 * inherent impl needs a local self type; a trait impl needs a local trait or
 * a local type among its self type and the trait's type arguments. `local`:
 * the types and traits the crate keeps declaring itself.
 */
export function implOnMovedType(
  theirs: SourceFacts,
  moved: ReadonlySet<string>,
  local: ReadonlySet<string>,
  moduleName: string,
): MovedTypeImpl | undefined {
  for (const impl of theirs.impls) {
    const named = impl.names.filter((n) => moved.has(n) && (!theirs.itemNames.includes(n) || mentionsModule(impl, moduleName)));
    if (named.length === 0) continue;
    const lastSegment = (written: string) => written.split('::').pop() ?? written;
    const selfType = lastSegment(impl.type);
    const selfIsLocal = local.has(selfType) && !named.includes(selfType);
    if (!impl.trait) {
      if (named.includes(selfType)) {
        return { impl, type: selfType, why: `an inherent impl of ${selfType}, which would be another crate's type (E0116)` };
      }
      continue;
    }
    const trait = lastSegment(impl.trait);
    if (local.has(trait) || selfIsLocal) continue;
    // Any other local type in the header (a type argument of the trait) still satisfies the rule.
    if (impl.names.some((n) => local.has(n) && !named.includes(n) && n !== trait)) continue;
    return { impl, type: named[0], why: `implements ${impl.trait} for ${impl.type}, and neither would be this crate's once ${named[0]} is another crate's (E0117)` };
  }
  return undefined;
}

function mentionsModule(impl: ImplFact, moduleName: string): boolean {
  const segments = [...(impl.trait?.split('::') ?? []), ...impl.type.split('::')];
  return segments.includes(moduleName);
}
