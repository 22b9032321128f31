/**
 * Prints every preset config of the three networks as JSON, for preset_parameters.py:
 *   npx tsx tools/reference/dump-presets.ts > tmp/presets.json
 *   /usr/bin/python3 tools/reference/preset_parameters.py tmp/presets.json
 */
import { AVT_CA_PRESETS } from '@mer/avt-ca';
import { MAVEN_PRESETS } from '@mer/maven';
import { TCN_FUSION_PRESETS } from '@mer/tcn-fusion';

const all = (presets: Record<string, () => object>) => Object.fromEntries(Object.entries(presets).map(([k, f]) => [k, f()]));
console.log(JSON.stringify({ maven: all(MAVEN_PRESETS), 'tcn-fusion': all(TCN_FUSION_PRESETS), 'avt-ca': all(AVT_CA_PRESETS) }));
