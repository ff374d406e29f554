#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;

// a^b mod MOD by repeated squaring.
long long power(long long a, long long b) {
    long long r = 1;
    a %= MOD;
    for (; b > 0; b >>= 1) {
        if (b & 1) r = r * a % MOD;
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
        long long a, b;
        cin >> a >> b;
        cout << power(a, b) << '\n';
    }
    return 0;
}
