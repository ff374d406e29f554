#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;
const long long INV6 = 166666668LL;  // inverse of 6 modulo MOD

// 1^2 + ... + n^2 modulo MOD by the closed form n(n+1)(2n+1)/6.
long long squarePrefix(long long n) {
    return n % MOD * ((n + 1) % MOD) % MOD * ((2 * n + 1) % MOD) % MOD * INV6 % MOD;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int q;
    cin >> q;
    while (q--) {
        long long l, r;
        cin >> l >> r;
        cout << (squarePrefix(r) - squarePrefix(l - 1) + MOD) % MOD << '\n';
    }
    return 0;
}
