"""numpy reference of the giantstep protocols, written the way the authors' notebooks do it (whole
batches in memory), for side-by-side timing in bench/run.mjs. Prints one JSON line."""
import argparse
import json
import resource
import time

import numpy as np


def relu(x):
    return np.maximum(x, 0)


def directions(rng, d, k):
    w = rng.standard_normal((k, d))
    q, _ = np.linalg.qr(w.T)
    return q.T


def single_step(args, dtype):
    """notebook-single-step: T-A, one step, notebook pre-processing (test-side estimates), readout on the
    step's batch; with --baselines also the random-features readout on W0."""
    rng = np.random.default_rng(args.seed)
    d, p = args.d, args.p
    n = int(round(d ** args.kappa))
    th1, th2 = directions(rng, d, 2)
    W0 = (rng.standard_normal((p, d)) / np.sqrt(d)).astype(dtype)
    a0 = (rng.standard_normal(p) / np.sqrt(p)).astype(dtype)
    h = lambda x: x + (x**2 - 1) / 2 + (x**4 - 6 * x**2 + 3) / 24
    Z = rng.standard_normal((n, d), dtype=dtype)
    Zt = rng.standard_normal((args.n_test, d), dtype=dtype)
    Y = (h(Z @ th1.astype(dtype)) + h(Z @ th2.astype(dtype))) / 2
    Yt = (h(Zt @ th1.astype(dtype)) + h(Zt @ th2.astype(dtype))) / 2
    A, At = Y.mean(), Yt.mean()
    B, Bt = (Y[:, None] * Z).mean(0), (Yt[:, None] * Zt).mean(0)
    Yu = Y - A - Z @ B
    eta = 10 * np.sqrt(n * p)
    pre = Z @ W0.T
    f0 = relu(pre) @ a0 / np.sqrt(p)
    G = Z.T @ (np.outer(Yu - f0, a0) / np.sqrt(p) * (pre > 0)) / n
    del pre
    W = W0 + dtype(eta) * G.T

    def readout(Wr):
        X = relu(Z @ Wr.T) / np.sqrt(p)
        a = np.linalg.solve(X.T @ X + args.lam * np.eye(p, dtype=dtype), X.T @ Yu)
        Xt = relu(Zt @ Wr.T) / np.sqrt(p)
        return float(np.mean((At + Zt @ Bt + Xt @ a - Yt) ** 2))

    out = {"n": n, "testError": readout(W)}
    if args.baselines:
        out["randomFeatures"] = readout(W0)
    return out


def multi_step(args, dtype):
    """notebook-multi-step: n = d, T fresh-batch steps with η = 2p, T-B, the notebook's ±1/√p pattern,
    then a ridge readout on a fresh batch."""
    rng = np.random.default_rng(args.seed)
    d, p, n = args.d, args.p, args.d
    th1, th2 = directions(rng, d, 2)
    W = (rng.standard_normal((p, d)) / np.sqrt(d)).astype(dtype)
    signs = np.concatenate([np.ones(20), -np.ones(20), np.sign(rng.standard_normal(p - 40))])
    a0 = (signs / np.sqrt(p)).astype(dtype)
    g = lambda Z: ((Z @ th1 + (Z @ th1) ** 2) + (Z @ th2 - (Z @ th2) ** 2)) / 2
    for _ in range(args.steps):
        Z = rng.standard_normal((n, d), dtype=dtype)
        Y = g(Z)
        pre = Z @ W.T
        f = relu(pre) @ a0 / np.sqrt(p)
        G = Z.T @ (np.outer(Y - f, a0) / np.sqrt(p) * (pre > 0)) / n
        W = W + dtype(2 * p) * G.T
    Z = rng.standard_normal((n, d), dtype=dtype)
    X = relu(Z @ W.T) / np.sqrt(p)
    a = np.linalg.solve(X.T @ X + args.lam * np.eye(p, dtype=dtype), X.T @ g(Z))
    return {"n": n, "trainError": float(np.mean((X @ a - g(Z)) ** 2))}


def gemm_rate(dtype):
    """Best matrix-product rate numpy reaches here, on the single-step notebook's shapes."""
    best = 0.0
    a = np.random.default_rng(0).standard_normal((8192, 512)).astype(dtype)
    b = np.random.default_rng(1).standard_normal((512, 1024)).astype(dtype)
    for _ in range(4):
        t = time.perf_counter()
        a @ b
        best = max(best, 2 * 8192 * 512 * 1024 / (time.perf_counter() - t) / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("protocol", choices=["single-step", "multi-step", "gemm"])
    ap.add_argument("--d", type=int, default=512)
    ap.add_argument("--p", type=int, default=1024)
    ap.add_argument("--kappa", type=float, default=2.0)
    ap.add_argument("--n-test", type=int, default=100000)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--lam", type=float, default=1.0)
    ap.add_argument("--precision", choices=["f64", "f32"], default="f64")
    ap.add_argument("--baselines", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    dtype = np.float64 if args.precision == "f64" else np.float32
    start = time.perf_counter()
    if args.protocol == "gemm":
        out = {"gflops": gemm_rate(dtype)}
    else:
        out = (single_step if args.protocol == "single-step" else multi_step)(args, dtype)
    out["seconds"] = time.perf_counter() - start
    out["peakRssMb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        from threadpoolctl import threadpool_info

        out["blas"] = [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")} for i in threadpool_info()]
    except ImportError:
        pass
    print(json.dumps(out))


if __name__ == "__main__":
    main()
