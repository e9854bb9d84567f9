# The field helpers cairo-run (cairo-lang 0.14's VirtualMachineBase) puts in every hint's
# locals, written without sympy. Run once per runner with `RelocatableValue` and `PRIME` given.


def _igcdex(a, b):
    """(x, y, g) with x * a + y * b == g == gcd(a, b)."""
    x0, y0, x1, y1 = 1, 0, 0, 1
    while b:
        q, a, b = a // b, b, a % b
        x0, x1 = x1, x0 - q * x1
        y0, y1 = y1, y0 - q * y1
    if a < 0:
        return -x0, -y0, -a
    return x0, y0, a


def div_mod(n, m, p):
    """The x in [0, p) with (m * x) % p == n."""
    a, _, c = _igcdex(m, p)
    assert c == 1
    return (n * a) % p


def safe_div(x, y):
    """x / y, failing unless y divides x."""
    assert isinstance(x, int) and isinstance(y, int)
    assert y != 0
    assert x % y == 0, f"{x} is not divisible by {y}."
    return x // y


def is_quad_residue(n, p):
    """Whether n is a square modulo the prime p (0 and 1 are)."""
    n %= p
    if n < 2 or p == 2:
        return True
    return pow(n, (p - 1) // 2, p) == 1


def sqrt(n, p):
    """The least m in [0, p) with (m * m) % p == n, for a prime p (Tonelli-Shanks)."""
    n %= p
    if n == 0 or p == 2:
        return n
    if pow(n, (p - 1) // 2, p) != 1:
        # As sympy's sqrt_mod gives no root: min() of nothing.
        raise ValueError(f"{n} is not a square modulo {p}")
    q, s = p - 1, 0
    while q % 2 == 0:
        q, s = q // 2, s + 1
    z = 2
    while pow(z, (p - 1) // 2, p) != p - 1:
        z += 1
    m, c, t, r = s, pow(z, q, p), pow(n, q, p), pow(n, (q + 1) // 2, p)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2, i = t2 * t2 % p, i + 1
        b = pow(c, 1 << (m - i - 1), p)
        m, c, t, r = i, b * b % p, t * b * b % p, r * b % p
    return min(r, p - r)


def to_felt_or_relocatable(value):
    """An int, unless value is a RelocatableValue (kept as it is)."""
    if isinstance(value, RelocatableValue):  # noqa: F821 (given by the runner)
        return value
    return int(value)


STATIC_LOCALS = {
    "PRIME": PRIME,  # noqa: F821 (given by the runner)
    "fadd": lambda a, b, p=PRIME: (a + b) % p,  # noqa: F821
    "fsub": lambda a, b, p=PRIME: (a - b) % p,  # noqa: F821
    "fmul": lambda a, b, p=PRIME: (a * b) % p,  # noqa: F821
    "fdiv": lambda a, b, p=PRIME: div_mod(a, b, p),  # noqa: F821
    "fpow": lambda a, b, p=PRIME: pow(a, b, p),  # noqa: F821
    "fis_quad_residue": lambda a, p=PRIME: is_quad_residue(a, p),  # noqa: F821
    "fsqrt": lambda a, p=PRIME: sqrt(a, p),  # noqa: F821
    "safe_div": safe_div,
    "to_felt_or_relocatable": to_felt_or_relocatable,
}
