#!/usr/bin/env python3
"""Reference numbers for @mer/heads' kernel ridge classifier (kernel-ridge-classifier.spec.ts).

scikit-learn's KernelRidge (RBF kernel, gamma='scale' resolved as 1 / (D · X.var())) fitted on
one-vs-rest ±1 targets with 'balanced' sample weights, on a fixed random data set of 4 groups;
its decision values on test rows, and the leave-one-group-out UAR of each (gamma scale, alpha).
  /usr/bin/python3 tools/reference/kernel_ridge_reference.py > packages/heads/src/fixtures/kernel-ridge-reference.json
"""
import json

import numpy as np
from sklearn.kernel_ridge import KernelRidge
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.utils.class_weight import compute_sample_weight

rng = np.random.default_rng(28)
K, D = 3, 5
counts = [12, 20, 8]  # per group and class: imbalanced
X, y, g = [], [], []
for group in range(4):
    shift = rng.normal(0, 0.3, D)
    for c, n in enumerate(counts):
        centre = np.eye(D)[c] * 1.5
        X.append(rng.normal(centre + shift, 1.0, (n + group, D)))
        y += [c] * (n + group)
        g += [f"s{group}"] * (n + group)
X = np.concatenate(X).astype(np.float32).astype(np.float64)
y, g = np.array(y), np.array(g)
Xt = rng.normal(0, 1.5, (9, D)).astype(np.float32).astype(np.float64)


def fit(Xa, ya, gamma, alpha, balanced=True):
    Y = np.where(ya[:, None] == np.arange(K)[None], 1.0, -1.0)
    w = compute_sample_weight("balanced", ya) if balanced else None
    return KernelRidge(alpha=alpha, kernel="rbf", gamma=gamma).fit(Xa, Y, sample_weight=w)


scale = 1 / (D * X.var())
out = {"x": X.ravel().tolist(), "labels": y.tolist(), "groups": g.tolist(), "dim": D, "numClasses": K, "test": Xt.ravel().tolist(), "scaleGamma": scale}
out["balanced"] = {"gamma": scale, "lambda": 0.3, "decision": fit(X, y, scale, 0.3).predict(Xt).ravel().tolist()}
out["unweighted"] = {"gamma": 2 * scale, "lambda": 0.1, "decision": fit(X, y, 2 * scale, 0.1, False).predict(Xt).ravel().tolist()}
grid = {"gammaScales": [0.5, 2], "lambdas": [0.1, 1]}
scores = []
for gs in grid["gammaScales"]:
    for lam in grid["lambdas"]:
        per = [balanced_accuracy_score(y[b], fit(X[a], y[a], gs * scale, lam).predict(X[b]).argmax(1)) for a, b in LeaveOneGroupOut().split(X, y, g)]
        scores.append({"gammaScale": gs, "lambda": lam, "score": float(np.mean(per)), "perGroup": per})
out["selection"] = {"grid": grid, "scores": scores}
print(json.dumps(out))
