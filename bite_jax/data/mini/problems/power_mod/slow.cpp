#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;

// x * y modulo MOD from 16-bit halves, so that every partial product fits in 32 bits
long long mulmod(long long x, long long y) {
    long long xh = x >> 16, xl = x & 0xFFFF, yh = y >> 16, yl = y & 0xFFFF;
    long long r = xh * yh % MOD;
    r = ((r << 16) + xh * yl + xl * yh) % MOD;
    return ((r << 16) + xl * yl) % MOD;
}

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long a, b;
        cin >> a >> b;
        a %= MOD;
        long long r = 1;
        for (long long i = 0; i < b; ++i) r = mulmod(r, a);
        cout << r << endl;
    }
    return 0;
}
