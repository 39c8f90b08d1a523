import type { Loader, Loaders } from 'cosmiconfig';

/**
 * cosmiconfig's own JSON loader first loads parse-json, which loads @babel/code-frame, picocolors and
 * node:tty, all for the message of a file that does not parse: ~3 ms of every start-up with a config
 * file. A file that parses gives the same value with JSON.parse (parse-json calls JSON.parse first);
 * one that does not goes to cosmiconfig's loader, so its error (code frame, position) is unchanged.
 */
export function fastJsonLoader(defaults: Loaders): Loader {
  const cosmiconfigs = defaults['.json'];
  if (!cosmiconfigs) throw new Error("cosmiconfig has no '.json' loader");
  return (filepath, content) => {
    try {
      return JSON.parse(content) as unknown;
    } catch {
      return cosmiconfigs(filepath, content);
    }
  };
}

/** cosmiconfig's default loaders, from its module as the bundle (`default`) or the sources import it. */
export function defaultLoadersOf(m: {
  defaultLoaders?: Loaders;
  default?: { defaultLoaders: Loaders };
}): Loaders {
  return m.defaultLoaders ?? m.default!.defaultLoaders;
}
