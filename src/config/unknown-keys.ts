import { closestKey } from './errors.js';
import {
  accessSchema,
  clusterEntrySchema,
  configFileSchema,
  execPolicySchema,
  policySchema,
} from './schema.js';

/** The keys allowed where an unknown key was found (by its key path), for "did you mean". */
function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const at = path.map(String);
  if (at.length === 0) return Object.keys(configFileSchema.shape);
  if (at.length === 2 && at[0] === 'clusters') return Object.keys(clusterEntrySchema.shape);
  if (at[at.length - 1] === 'policy') return Object.keys(policySchema.shape);
  if (at[at.length - 1] === 'exec') return Object.keys(execPolicySchema.shape);
  if (at[at.length - 1] === 'access') return Object.keys(accessSchema.shape);
  if (at[at.length - 1] === 'roles' && at[at.length - 2] === 'access')
    return Object.keys(accessSchema.shape.roles.shape);
  return [];
}

/** `unknown key "tokenid" (did you mean "token_id"?)`; with the suggestions, for dropping "is required". */
export function unknownKeysMessage(
  keys: readonly string[],
  path: readonly PropertyKey[],
): { message: string; suggested: string[] } {
  const known = knownKeysAt(path);
  const suggested: string[] = [];
  const parts = keys.map((k) => {
    const near = closestKey(k, known);
    if (near) suggested.push(near);
    return near ? `"${k}" (did you mean "${near}"?)` : `"${k}"`;
  });
  return { message: `unknown key${keys.length > 1 ? 's' : ''} ${parts.join(', ')}`, suggested };
}
