#!/bin/bash
# mer feature extraction as a Slurm job array: Slurm runs one task per index; each task extracts its
# shard of the dataset (mer reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT)
# into its own folder on shared storage. Afterwards, e.g. as a dependent job:
#   sbatch --dependency=afterok:<this job id> --wrap "npx mer features merge $FEATURES/shard-* --out $FEATURES/all"
#SBATCH --job-name=mer-extract
#SBATCH --array=0-2
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=04:00:00
set -euo pipefail
DATASET=${DATASET:-ravdess:/data/RAVDESS}
FEATURES=${FEATURES:-/data/features}
# paper: the face crops (about 2.2 MB a clip); lite or features: face embeddings (15 KB a clip).
PRESET=${PRESET:-paper}
npx mer extract --pipeline avt-ca --preset "$PRESET" --dataset "$DATASET" --jobs 1 --out "$FEATURES/shard-$SLURM_ARRAY_TASK_ID"
