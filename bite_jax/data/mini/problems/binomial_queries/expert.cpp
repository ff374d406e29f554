#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

const long long MOD = 1000000007LL;

long long power(long long a, long long e) {
    long long r = 1;
    a %= MOD;
    for (; e > 0; e >>= 1) {
        if (e & 1) r = r * a % MOD;
        a = a * a % MOD;
    }
    return r;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int q;
    cin >> q;
    vector<long long> n(q), k(q);
    for (int i = 0; i < q; ++i) cin >> n[i] >> k[i];
    long long top = *max_element(n.begin(), n.end());
    // factorials and inverse factorials once, then O(1) per query
    vector<long long> fact(top + 1), inv(top + 1);
    fact[0] = 1;
    for (long long i = 1; i <= top; ++i) fact[i] = fact[i - 1] * i % MOD;
    inv[top] = power(fact[top], MOD - 2);
    for (long long i = top; i > 0; --i) inv[i - 1] = inv[i] * i % MOD;
    for (int i = 0; i < q; ++i)
        cout << fact[n[i]] * inv[k[i]] % MOD * inv[n[i] - k[i]] % MOD << '\n';
    return 0;
}
