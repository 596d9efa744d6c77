// Every fast-check property run of the node tests starts from one seed, so a run is reproducible: FC_SEED=<n> replays
// the seed a failure printed ("seed: n" in fast-check's report), FC_SEED=random explores new cases.
import fc from 'fast-check';

const chosen = process.env.FC_SEED;
export const propertySeed = chosen === 'random' ? Date.now() ^ (Math.random() * 0x1_0000_0000) : chosen ? Number(chosen) : 0x5eed;
if (!Number.isInteger(propertySeed)) throw new Error(`FC_SEED must be a whole number or "random", got ${chosen}`);

fc.configureGlobal({ seed: propertySeed });
