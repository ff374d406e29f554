#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long l, r;
        cin >> l >> r;
        long long s = 0;
        for (long long i = l; i <= r; ++i)
            s = (s + i * i) % MOD;
        cout << s << '\n';
    }
    return 0;
}
