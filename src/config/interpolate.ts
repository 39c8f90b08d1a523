import { ConfigError } from './errors.js';

/**
 * Replaces `${VAR}` (and `${VAR:-fallback}`) in every string of the parsed config, so secrets can
 * stay in the environment. An unset variable is an error naming the key path and the variable:
 * silently sending an empty token would only move the failure to a confusing 401 later.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  source: string,
  path: string[] = [],
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, source, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, source, [...path, String(i)]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env, source, [...path, k]);
    return out;
  }
  return value;
}

function interpolateString(
  s: string,
  env: Record<string, string | undefined>,
  source: string,
  path: string[],
): string {
  return s.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
    const [name = '', fallback] = inner.split(/:-(.*)/s, 2);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ConfigError(`"\${${inner}}" is not a valid variable reference`, source, path.join('.'));
    }
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      `environment variable ${name} is not set (referenced as \${${name}}); set it in the MCP client's "env" block or the shell`,
      source,
      path.join('.'),
    );
  });
}
