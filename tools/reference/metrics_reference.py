"""Reference values for @mer/metrics specs, from numpy and scikit-learn.

Run: /usr/bin/python3 tools/reference/metrics_reference.py   (Debian python3-numpy 1.24, python3-sklearn 1.2)
"""
import json

import numpy as np
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, confusion_matrix, f1_score,
                             mean_squared_error)


def ccc(x, y):
    mx, my = x.mean(), y.mean()
    vx, vy = x.var(), y.var()  # population (ddof 0)
    cov = ((x - mx) * (y - my)).mean()
    return 2 * cov / (vx + vy + (mx - my) ** 2)


pred = np.array([0.1, 0.4, -0.2, 0.8, 0.05, -0.6, 0.3, 0.9, -0.1, 0.2, 0.5, -0.4])
true = np.array([0.0, 0.5, -5.0, 0.7, 0.1, -0.5, -5.0, 0.6, -0.3, 0.25, 0.45, -0.2])
keep = true != -5
p, t = pred[keep], true[keep]
regression = {
    "ccc": ccc(p, t),
    "pcc": float(np.corrcoef(p, t)[0, 1]),
    "mse": mean_squared_error(t, p),
    "rmse": float(np.sqrt(mean_squared_error(t, p))),
    "n": int(keep.sum()),
}

y_true = [0, 1, 2, 3, 1, 1, 0, 2, 2, 3, 0, 1, 2, 2, 3, 0, 1, 0, 2, 1]
y_pred = [0, 1, 1, 3, 1, 2, 0, 2, 0, 3, 0, 1, 2, 1, 1, 0, 1, 3, 2, 1]
classification = {
    "accuracy": accuracy_score(y_true, y_pred),
    "macro_f1": f1_score(y_true, y_pred, average="macro"),
    "weighted_f1": f1_score(y_true, y_pred, average="weighted"),
    "uar": balanced_accuracy_score(y_true, y_pred),
    "per_class_f1": f1_score(y_true, y_pred, average=None).tolist(),
    "confusion": confusion_matrix(y_true, y_pred).tolist(),
}

# A class (4) only ever predicted, never true: sklearn's macro F1 averages over the union of labels.
y_true2 = [0, 0, 1, 1, 2, 2]
y_pred2 = [0, 4, 1, 1, 2, 0]
classification_unseen = {
    "macro_f1": f1_score(y_true2, y_pred2, average="macro", zero_division=0),
    "weighted_f1": f1_score(y_true2, y_pred2, average="weighted", zero_division=0),
    "uar": balanced_accuracy_score(y_true2, y_pred2),
}

# CMU-MOSEI style multi-label: an emotion is present when its score > 0; predictions are
# probabilities thresholded at 0.5. Weighted accuracy = (TP·N/P + TN) / 2N (Tong et al. 2017).
scores = np.array([[0.0, 1.3, 0.0], [2.0, 0.0, 0.3], [0.6, 0.0, 0.0], [0.0, 0.0, 1.0],
                   [1.0, 0.6, 0.0], [0.0, 0.3, 0.0], [0.0, 0.0, 0.0], [3.0, 0.0, 0.6]])
probs = np.array([[0.2, 0.7, 0.1], [0.9, 0.4, 0.2], [0.3, 0.1, 0.2], [0.1, 0.2, 0.8],
                  [0.6, 0.6, 0.1], [0.1, 0.3, 0.3], [0.7, 0.1, 0.1], [0.8, 0.2, 0.4]])
y, yhat = scores > 0, probs > 0.5
multilabel = []
for k in range(3):
    tp = int((y[:, k] & yhat[:, k]).sum()); tn = int((~y[:, k] & ~yhat[:, k]).sum())
    pos = int(y[:, k].sum()); neg = int((~y[:, k]).sum())
    multilabel.append({"accuracy": accuracy_score(y[:, k], yhat[:, k]),
                       "f1": f1_score(y[:, k], yhat[:, k], zero_division=0),
                       "weighted_accuracy": (tp * neg / pos + tn) / (2 * neg)})

print(json.dumps({"regression": regression, "classification": classification,
                  "classification_unseen": classification_unseen, "multilabel": multilabel}, indent=1))
