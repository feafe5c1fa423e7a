import numpy as np, sys, time
from numpy.polynomial.hermite_e import hermegauss
gx, gw = hermegauss(60); gw = gw/gw.sum()
kx, kw = hermegauss(80); kw = kw/kw.sum()
def E(f):  # E over g ~ N(0,1) of f(g) broadcasting last axis
    return (f(gx) * gw).sum(-1)

def profiles(sig, dsig, g, r, c, gam, noise=0.0, chan_s=True):
    K = kx[:, None]; rho = np.sqrt(max(1-gam*gam, 0))
    mu0 = E(lambda x: sig(r*K + c*x))
    mu1 = E(lambda x: dsig(r*K + c*x))
    sec = E(lambda x: sig(r*K + c*x)**2)
    mu2 = np.sqrt(np.maximum(sec - mu0**2 - mu1**2*c*c, 0))
    h = E(lambda x: g(gam*K + rho*x)); h1 = E(lambda x: x*g(gam*K+rho*x)); hh = E(lambda x: g(gam*K+rho*x)**2) + noise
    k = kx
    fr = k*mu1
    fs = E(lambda x: x*dsig(r*K + c*x))
    F = np.stack([fr, fs] if chan_s else [fr])  # C x nodes
    return dict(mu0=mu0, mu1=mu1, mu2=mu2, h=h, h1=h1, hh=hh, f=F)

def solve(P, D, w, G, alpha, lam, iters=20000, tol=1e-10, damping=0.5):
    # D: nodes (K,), w weights (K,), G: (K, C+1, C+1) source gram (channels then psi)
    C = P['f'].shape[0]
    mean = lambda v: (kw*v).sum(-1)
    o = dict(q1=.1, q2=.2, v1=1., v2=1., th=np.zeros(C)+.1, psi=.5, m=1.)
    mu0, mu1, mu2, h, h1, hh, f = [P[x] for x in ['mu0','mu1','mu2','h','h1','hh','f']]
    for it in range(iters):
        den = 1 + mu1**2*o['v1'] + mu2**2*o['v2']
        c = mu0*o['m'] + (o['th'][:, None]*f).sum(0)
        res = hh + c*c - 2*c*h - 2*mu1*o['psi']*h1 + o['q1']*mu1**2 + o['q2']*mu2**2
        qh1 = alpha*mean(mu1**2*res/den**2); qh2 = alpha*mean(mu2**2*res/den**2)
        vh1 = alpha*mean(mu1**2/den); vh2 = alpha*mean(mu2**2/den)
        A = mean(f*(h - mu0*o['m'])/den)               # C
        B = np.array([[mean(f[i]*f[j]/den) for j in range(C)] for i in range(C)])
        psih = alpha*mean(h1*mu1/den)
        S = lam + vh1*D + vh2
        Gm = (w[:, None, None]*G/S[:, None, None]).sum(0)   # (C+1)x(C+1): mean G/S
        # theta = Gm_tt thetahat + Gm_tp psih, thetahat = alpha (A - B theta)
        Gtt = Gm[:C, :C]; Gtp = Gm[:C, C]
        th = np.linalg.solve(np.eye(C) + alpha*Gtt@B, alpha*Gtt@A + Gtp*psih)
        thh = alpha*(A - B@th)
        src_vec = np.concatenate([thh, [psih]])
        srcq = np.einsum('kij,i,j->k', G, src_vec, src_vec)
        source = qh1*D + qh2 + srcq
        q1 = (w*D/S**2*source).sum(); q2 = (w*source/S**2).sum()
        v1 = (w*D/S).sum(); v2 = (w/S).sum()
        psi = (Gm[C, :] @ src_vec)
        mm = mean(mu0**2/den)
        m = mean(mu0*(h - mu1*kx*0 - (o['th'][:, None]*f).sum(0))/den)/mm if mm > 1e-300 else 0
        new = dict(q1=q1, q2=q2, v1=v1, v2=v2, th=th, psi=psi, m=m)
        ch = max(np.max(np.abs(np.atleast_1d(new[k]-o[k]))) for k in o)
        o = {k: (1-damping)*new[k] + damping*o[k] for k in o}
        if ch < tol*(1+abs(o['q1'])+abs(o['q2'])+abs(o['m'])):
            break
    den = 1 + mu1**2*o['v1'] + mu2**2*o['v2']
    c = mu0*o['m'] + (o['th'][:, None]*f).sum(0)
    res = hh + c*c - 2*c*h - 2*mu1*o['psi']*h1 + o['q1']*mu1**2 + o['q2']*mu2**2
    return mean(res), o, it

def mp(ratio, scale, nodes=400):
    a, b = (1-np.sqrt(ratio))**2, (1+np.sqrt(ratio))**2
    x, w = [], []
    if ratio > 1: x.append(0.); w.append(1-1/ratio)
    t = (np.arange(nodes)+.5)*np.pi/nodes; xi = .5*(a+b)+.5*(b-a)*np.cos(t)
    dens = (.5*(b-a)*np.sin(t))**2/(2*np.pi*ratio*xi)*np.pi/nodes
    x = np.concatenate([x, xi*scale]); w = np.concatenate([w, dens]); w /= w.sum()
    return x, w

def srf(sig, dsig, g, y2, mu1s, mu1g, ss, alpha0, eta, ratio, lam, alphas, noise=0.0):
    r = eta*mu1s*np.sqrt(mu1g**2 + y2/alpha0); c = np.sqrt(1 + eta**2/alpha0*y2*ss); gam = mu1g/np.sqrt(mu1g**2 + y2/alpha0)
    P = profiles(sig, dsig, g, r, c, gam, noise, chan_s=False)
    D, w = mp(ratio, c*c)
    G = np.zeros((len(D), 2, 2)); G[:, 0, 0] = ratio*c*c; G[:, 1, 1] = ratio*D
    return [solve(P, D, w, G, a/ratio, lam)[0] for a in alphas], (r, c, gam)

def de(sig, dsig, g, W0, W1, wstar, lam, alphas, noise=0.0, chan_s=True, cross=True):
    p, d = W1.shape
    v = (W1 - W0).mean(0); v /= np.linalg.norm(v)
    gam = v @ wstar
    if gam < 0: v = -v; gam = -gam
    zeta = wstar - gam*v; zeta /= np.linalg.norm(zeta)
    r_i = W1 @ v; rbar = r_i.mean()
    B = W1 - np.outer(r_i, v)   # W1 Pi
    Om = B @ B.T
    s = np.sqrt(np.diag(Om)); c = np.sqrt(np.mean(s**2))
    D, U = np.linalg.eigh(Om)
    vecs = [r_i - rbar] + ([s - s.mean()] if chan_s else []) + [B @ zeta]
    L = np.sqrt(p)*(U.T @ np.stack(vecs, 1))   # p x (C+1)
    G = L[:, :, None]*L[:, None, :]
    if not cross:
        G = G*np.eye(G.shape[1])[None]
    P = profiles(sig, dsig, g, rbar, c, gam, noise, chan_s)
    w = np.full(p, 1/p)
    return [solve(P, D, w, G, a*d/p, lam)[0] for a in alphas], dict(r=rbar, c=c, gam=gam, F=np.mean(L[:, 0]**2), H=np.mean(L[:, -1]**2), sstd=np.std(s)*np.sqrt(d))
