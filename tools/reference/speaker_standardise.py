#!/usr/bin/env python3
# An experiment, not part of mer: standardises every item's audio features in a COPY of a features
# folder with its own speaker's per-dimension mean/std over valid frames (transductive: the held-out
# speaker's unlabelled audio is used, never labels). Rewrites the folder's audio/items/*.f32 in place.
#   cp -r feats-emodb feats-emodb-spk && /usr/bin/python3 tools/reference/speaker_standardise.py feats-emodb-spk
#   mer cv --features feats-emodb-spk --out cv-spk --folds loso --preset lite
import json, os, sys, numpy as np
root = sys.argv[1]
items = json.load(open(os.path.join(root, 'items.json')))['items']
d = os.path.join(root, 'audio', 'items')
by = {}
for it in items:
    m = json.load(open(os.path.join(d, it['id'] + '.json')))
    x = np.fromfile(os.path.join(d, it['id'] + '.f32'), dtype='<f4').reshape(m['frames'], m['dim'])
    mask = np.array(m['mask'] if m.get('mask') else [1] * m['frames'], bool)
    by.setdefault(it['speaker'], []).append((it['id'], x, mask))
for spk, lst in by.items():
    allx = np.concatenate([x[mk] for _, x, mk in lst])
    mu, sd = allx.mean(0), allx.std(0) + 1e-6
    for i, x, mk in lst:
        ((x - mu) / sd).astype('<f4').tofile(os.path.join(d, i + '.f32'))
print('speakers', len(by), 'items', sum(len(v) for v in by.values()))
