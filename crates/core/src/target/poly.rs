//! Exact multivariate polynomials and their expansion in the Hermite basis: a polynomial target's
//! coefficients g = Σ_α b_α Π_j He_{α_j}(u_j) are computed symbolically, not by quadrature.
use super::expr::{Expr, Func};
use std::collections::BTreeMap;

/// Exponent vector (length k) → coefficient.
pub type Monomials = BTreeMap<Vec<u32>, f64>;

#[derive(Clone, Debug, PartialEq)]
pub struct Poly {
    pub k: usize,
    pub terms: Monomials,
}

impl Poly {
    pub fn constant(k: usize, c: f64) -> Poly {
        let mut terms = Monomials::new();
        if c != 0.0 {
            terms.insert(vec![0; k], c);
        }
        Poly { k, terms }
    }

    pub fn variable(k: usize, j: usize) -> Poly {
        let mut e = vec![0; k];
        e[j] = 1;
        Poly { k, terms: Monomials::from([(e, 1.0)]) }
    }

    pub fn degree(&self) -> usize {
        self.terms.keys().map(|e| e.iter().sum::<u32>() as usize).max().unwrap_or(0)
    }

    fn add_scaled(&mut self, other: &Poly, s: f64) {
        for (e, c) in &other.terms {
            *self.terms.entry(e.clone()).or_insert(0.0) += s * c;
        }
        self.terms.retain(|_, c| *c != 0.0);
    }

    fn scale(mut self, s: f64) -> Poly {
        self.terms.values_mut().for_each(|c| *c *= s);
        self.terms.retain(|_, c| *c != 0.0);
        self
    }

    fn mul(&self, other: &Poly) -> Poly {
        let mut out = Poly::constant(self.k, 0.0);
        for (e1, c1) in &self.terms {
            for (e2, c2) in &other.terms {
                let e: Vec<u32> = e1.iter().zip(e2).map(|(a, b)| a + b).collect();
                *out.terms.entry(e).or_insert(0.0) += c1 * c2;
            }
        }
        out.terms.retain(|_, c| *c != 0.0);
        out
    }

    fn pow(&self, n: u32) -> Poly {
        (0..n).fold(Poly::constant(self.k, 1.0), |acc, _| acc.mul(self))
    }

    /// He_n(p) by the recurrence He_{m+1} = p·He_m − m·He_{m−1}.
    fn hermite_of(&self, n: usize) -> Poly {
        let (mut prev, mut cur) = (Poly::constant(self.k, 1.0), self.clone());
        if n == 0 {
            return prev;
        }
        for m in 1..n {
            let mut next = cur.mul(self);
            next.add_scaled(&prev, -(m as f64));
            prev = cur;
            cur = next;
        }
        cur
    }

    /// Converts to the Hermite basis: x^n = Σ_{i ≤ n/2} n! / (2^i i! (n−2i)!) He_{n−2i}(x), coordinate by
    /// coordinate. Returns multi-index α → b_α.
    pub fn to_hermite(&self) -> Monomials {
        let mut out = Monomials::new();
        for (e, c) in &self.terms {
            // The Hermite expansion of this monomial is the product over coordinates.
            let mut partial: Vec<(Vec<u32>, f64)> = vec![(Vec::with_capacity(self.k), *c)];
            for &n in e {
                let mut next = Vec::new();
                for (alpha, coef) in &partial {
                    for i in 0..=n / 2 {
                        let w = factorial(n) / (2f64.powi(i as i32) * factorial(i) * factorial(n - 2 * i));
                        let mut a = alpha.clone();
                        a.push(n - 2 * i);
                        next.push((a, coef * w));
                    }
                }
                partial = next;
            }
            for (alpha, coef) in partial {
                *out.entry(alpha).or_insert(0.0) += coef;
            }
        }
        out.retain(|_, c| c.abs() > 1e-14);
        out
    }
}

fn factorial(n: u32) -> f64 {
    (1..=n).map(|j| j as f64).product()
}

/// The polynomial an expression denotes, or None when it is not a polynomial (tanh, relu, division by
/// a non-constant, ...).
pub fn to_poly(expr: &Expr, k: usize) -> Option<Poly> {
    Some(match expr {
        Expr::Num(v) => Poly::constant(k, *v),
        Expr::Var(j) => Poly::variable(k, *j),
        Expr::Neg(a) => to_poly(a, k)?.scale(-1.0),
        Expr::Add(a, b) => {
            let mut p = to_poly(a, k)?;
            p.add_scaled(&to_poly(b, k)?, 1.0);
            p
        }
        Expr::Sub(a, b) => {
            let mut p = to_poly(a, k)?;
            p.add_scaled(&to_poly(b, k)?, -1.0);
            p
        }
        Expr::Mul(a, b) => to_poly(a, k)?.mul(&to_poly(b, k)?),
        Expr::Div(a, b) => {
            let denominator = to_poly(b, k)?;
            if denominator.degree() > 0 {
                return None;
            }
            let c = denominator.terms.values().next().copied().unwrap_or(0.0);
            if c == 0.0 {
                return None;
            }
            to_poly(a, k)?.scale(1.0 / c)
        }
        Expr::Pow(a, e) if *e >= 0 && *e <= 24 => to_poly(a, k)?.pow(*e as u32),
        Expr::Pow(..) => return None,
        Expr::Call(Func::He(n), a) => to_poly(a, k)?.hermite_of(*n),
        Expr::Call(..) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::expr::parse;

    #[test]
    fn monomials_to_hermite() {
        // x⁴ = He4 + 6 He2 + 3.
        let p = to_poly(&parse("u1^4").unwrap(), 1).unwrap();
        let h = p.to_hermite();
        assert_eq!(h.get(&vec![4]), Some(&1.0));
        assert_eq!(h.get(&vec![2]), Some(&6.0));
        assert_eq!(h.get(&vec![0]), Some(&3.0));
        // He2(u1)·u2 stays one Hermite term.
        let h = to_poly(&parse("He2(u1)*u2").unwrap(), 2).unwrap().to_hermite();
        assert_eq!(h.len(), 1);
        assert!((h[&vec![2, 1]] - 1.0).abs() < 1e-12);
        assert!(to_poly(&parse("tanh(u1)").unwrap(), 1).is_none());
        assert!(to_poly(&parse("u1/u2").unwrap(), 2).is_none());
    }
}
