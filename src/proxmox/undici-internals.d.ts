// undici has no `exports` map, so its modules can be imported one by one; this names the one we use
// (cluster-agent.ts says why not the index) with undici's own type.
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}
