// Writes the acoustic specs' synthetic vowel as a WAV, for Praat (tools/reference/praat_voice_reference.sh).
import * as fs from 'node:fs';
import { syntheticVowel, wavBytes } from '../../packages/feature-extractors/src/fixtures/synthetic-vowel';

fs.writeFileSync(process.argv[2] ?? 'synthetic-vowel.wav', wavBytes(syntheticVowel(1)));
