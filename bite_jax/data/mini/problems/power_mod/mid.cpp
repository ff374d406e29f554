#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long a, b;
        cin >> a >> b;
        a %= MOD;
        // a^b = (a^2)^(b / 2) * a^(b % 2): half as many multiplications
        long long r = b % 2 ? a : 1, a2 = a * a % MOD;
        for (long long i = 0; i < b / 2; ++i) r = r * a2 % MOD;
        cout << r << endl;
    }
    return 0;
}
