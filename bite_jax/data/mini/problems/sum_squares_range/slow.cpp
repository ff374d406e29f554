#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;

// 1^2 + ... + n^2 modulo MOD, summed term by term.
long long squarePrefix(long long n) {
    long long s = 0;
    for (long long i = 1; i <= n; ++i)
        s = (s + i * i) % MOD;
    return s;
}

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long l, r;
        cin >> l >> r;
        cout << (squarePrefix(r) - squarePrefix(l - 1) + MOD) % MOD << endl;
    }
    return 0;
}
