#include <stdio.h>
#include <stdlib.h>

#define MOD 1000000007LL

static long long power(long long a, long long e) {
    long long r = 1;
    a %= MOD;
    while (e > 0) {
        if (e & 1) r = r * a % MOD;
        a = a * a % MOD;
        e >>= 1;
    }
    return r;
}

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    long long *n = malloc(sizeof(long long) * q), *k = malloc(sizeof(long long) * q);
    long long top = 0;
    for (int i = 0; i < q; i++) {
        scanf("%lld %lld", &n[i], &k[i]);
        if (n[i] > top) top = n[i];
    }
    /* factorials and inverse factorials once, then O(1) per query */
    long long *fact = malloc(sizeof(long long) * (top + 1));
    long long *inv = malloc(sizeof(long long) * (top + 1));
    fact[0] = 1;
    for (long long i = 1; i <= top; i++) fact[i] = fact[i - 1] * i % MOD;
    inv[top] = power(fact[top], MOD - 2);
    for (long long i = top; i > 0; i--) inv[i - 1] = inv[i] * i % MOD;
    for (int i = 0; i < q; i++)
        printf("%lld\n", fact[n[i]] * inv[k[i]] % MOD * inv[n[i] - k[i]] % MOD);
    free(n);
    free(k);
    free(fact);
    free(inv);
    return 0;
}
