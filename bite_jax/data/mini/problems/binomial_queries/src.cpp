#include <iostream>
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
    while (q--) {
        long long n, k;
        cin >> n >> k;
        // C(n, k) = n (n-1) ... (n-k+1) / k!
        long long num = 1, den = 1;
        for (long long i = 0; i < k; ++i) {
            num = num * (n - i) % MOD;
            den = den * (i + 1) % MOD;
        }
        cout << num * power(den, MOD - 2) % MOD << '\n';
    }
    return 0;
}
