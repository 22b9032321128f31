import { avtCaRecipe } from '@mer/avt-ca';
import { mavenRecipe } from '@mer/maven';
import { tcnFusionRecipe } from '@mer/tcn-fusion';
import { NetworkRecipe, networkRecipe, registerNetwork } from '@mer/training';
import { speechKernelRecipe } from './speech-kernel-recipe';

/** The three published networks, registered when `@mer/pipelines` loads (the demo runs them). Add your own with `registerNetwork`. */
export const BUILT_IN_NETWORKS: readonly NetworkRecipe[] = [mavenRecipe, tcnFusionRecipe, avtCaRecipe];
for (const recipe of BUILT_IN_NETWORKS) registerNetwork(recipe);
// mer's best real-speech system without pretrained weights (speech functionals → kernel ridge), registered beside them.
registerNetwork(speechKernelRecipe);

/** A registered recipe by name; a recipe object is registered (so runs of it load by name) and returned. */
export function resolveRecipe(network: string | NetworkRecipe): NetworkRecipe {
  if (typeof network === 'string') return networkRecipe(network);
  registerNetwork(network);
  return network;
}
