import numpy as np, sys, time, json, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from de import *
acts = {'tanh': (np.tanh, lambda x: 1-np.tanh(x)**2), 'sin': (np.sin, np.cos), 'relu': (lambda x: np.maximum(x, 0), lambda x: (x > 0)*1.0)}
def setting(name):
    if name == 'osa': return dict(t='tanh', s='tanh', alpha0=0.5, eta=1.0, lam=0.01)
    if name == 'sin': return dict(t='sin', s='tanh', alpha0=20., eta=3.0, lam=0.1)
    if name == 'relu': return dict(t='tanh', s='relu', alpha0=2., eta=2.0, lam=0.05, labels=True)
def step(rng, d, p, sig, dsig, g, alpha0, eta, labels=False):
    W0 = rng.standard_normal((p, d)); W0 /= np.linalg.norm(W0, axis=1, keepdims=True)
    n0 = int(alpha0*d); Z = rng.standard_normal((n0, d)); y = g(Z[:, 0])
    H = Z @ W0.T; f0 = 0 if labels else sig(H).mean(1)
    G = ((y - f0)[:, None]*dsig(H)).T @ Z / n0   # p x d: per neuron (1/n) sum (y-f) sigma' z
    W1 = W0 + eta*G
    wstar = np.zeros(d); wstar[0] = 1
    return W0, W1, wstar
def readout(rng, W1, sig, g, alpha, lam, ntest):
    p, d = W1.shape; n = int(alpha*d)
    Z = rng.standard_normal((n, d)); X = sig(Z @ W1.T)/np.sqrt(p); y = g(Z[:, 0])
    if n >= p: w = np.linalg.solve(X.T@X + lam*np.eye(p), X.T@y)
    else: w = X.T @ np.linalg.solve(X@X.T + lam*np.eye(n), y)
    err = 0; m = 0
    for _ in range(ntest//5000):
        Zt = rng.standard_normal((5000, d)); err += np.sum((g(Zt[:, 0]) - sig(Zt@W1.T)@w/np.sqrt(p))**2); m += 5000
    return err/m
if __name__ == '__main__':
    name, d, draws, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    alphas = [float(a) for a in sys.argv[5].split(',')]
    S = setting(name); (sig, dsig), (g, _) = acts[S['s']], acts[S['t']]
    p = d
    mu1s = E(lambda x: x*sig(x)); ss = E(lambda x: (dsig(x)-mu1s)**2); y2 = E(lambda x: g(x)**2); mu1g = E(lambda x: x*g(x))
    srf_err, (r, c, gam) = srf(sig, dsig, g, y2, mu1s, mu1g, ss, S['alpha0'], S['eta'], 1.0, S['lam'], alphas)
    print('sRF', dict(r=r, c=c, gam=gam), np.round(srf_err, 5), flush=True)
    sims = []; des = []; des0 = []; des1 = []
    for dr in range(draws):
        rng = np.random.default_rng(1000+dr)
        W0, W1, ws = step(rng, d, p, sig, dsig, g, S['alpha0'], S['eta'], S.get('labels', False))
        t = time.time(); e, info = de(sig, dsig, g, W0, W1, ws, S['lam'], alphas); tde = time.time()-t
        e0, _ = de(sig, dsig, g, W0, W1, ws, S['lam'], alphas, chan_s=False)
        e1, _ = de(sig, dsig, g, W0, W1, ws, S['lam'], alphas, cross=False)
        des.append(e); des0.append(e0); des1.append(e1)
        for s in range(seeds):
            sims.append([readout(rng, W1, sig, g, a, S['lam'], 20000) for a in alphas])
        print('draw', dr, {k: round(float(v), 4) for k, v in info.items()}, 'DE', np.round(e, 5), 'noS', np.round(e0, 5), 'nocross', np.round(e1,5), 'sim', np.round(np.mean(sims[-seeds:], 0), 5), f'{tde:.1f}s', flush=True)
    sims = np.array(sims); m = sims.mean(0); se = sims.std(0, ddof=1)/np.sqrt(len(sims))
    for nm, arr in [('DE', des), ('DE-noS', des0), ('DE-nocross', des1)]:
        dm = np.mean(arr, 0); print(nm, np.round(dm, 5), 'rel', np.round(dm/m-1, 4))
    print('sim', np.round(m, 5), '+-', np.round(se, 5), 'sRF rel', np.round(np.array(srf_err)/m-1, 4))
